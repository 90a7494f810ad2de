"""Instrument reads, and the mapping of an instrument's rows onto the engine's plain data."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from pendamping.evaluation.engine import model as engine
from pendamping.evaluation.models import Aspect, Instrument, Item, Option


def instrument_list(*, user: Any, q: str = "") -> QuerySet[Instrument]:
    qs = Instrument.objects.visible_to(user)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__istartswith=q))
    return qs.annotate(n_items=Count("items", distinct=True), n_studies=Count("studies", distinct=True)).order_by(
        "code", "-version"
    )


def instrument_get(*, user: Any, pk: Any) -> Instrument:
    return Instrument.objects.visible_to(user).get(pk=pk)


def instrument_aspects(*, instrument: Instrument) -> list[Aspect]:
    """Aspects with their items and options, in order: three queries whatever the size."""
    options = Prefetch("options", queryset=Option.objects.order_by("order"))
    items = Prefetch("items", queryset=Item.objects.order_by("order").prefetch_related(options))
    return list(instrument.aspects.order_by("order").prefetch_related(items))


def instrument_definition(*, instrument: Instrument) -> engine.Instrument:
    """The instrument as the engine's frozen dataclasses (what the analysis and the YAML export use)."""
    return engine.Instrument(
        code=instrument.code,
        version=instrument.version,
        title=instrument.title,
        aspects=tuple(
            engine.Aspect(
                code=aspect.code,
                title=aspect.title,
                items=tuple(
                    engine.Item(
                        code=item.code,
                        text=item.text,
                        kind=item.kind,
                        ordered=item.ordered,
                        options=tuple(
                            engine.Option(code=o.code, label=o.label, favourable=o.favourable, score=o.score)
                            for o in item.options.all()
                        ),
                    )
                    for item in aspect.items.all()
                ),
            )
            for aspect in instrument_aspects(instrument=instrument)
        ),
    )
