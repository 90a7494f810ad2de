"""Writes of instruments: create one from an engine definition or a parsed YAML/JSON mapping, change it while
no one has answered it, and make a new version once someone has."""

import math
from collections.abc import Mapping
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.evaluation.engine import model as engine
from pendamping.evaluation.engine.instrument_file import InputError, parse_instrument
from pendamping.evaluation.engine.validate import instrument_errors
from pendamping.evaluation.models import Aspect, Instrument, Item, Option
from pendamping.evaluation.models.instruments import code_validator
from pendamping.evaluation.services._common import save_checked

Definition = engine.Instrument | Mapping[str, Any] | str
LIKERT_POINTS = (3, 7)
MAX_CODE, MAX_TITLE, MAX_TEXT = 40, 200, 500  # the columns' lengths


def _parsed(definition: Definition) -> engine.Instrument:
    """An engine instrument from a dataclass, YAML text, or a parsed YAML/JSON mapping. Text and mappings go
    through the engine's own loader, so the file a researcher gives the standalone CLI and the one given
    here are read by the same code."""
    if isinstance(definition, engine.Instrument):
        return definition
    if isinstance(definition, str):
        text, located = definition, True
    elif isinstance(definition, Mapping):
        # A mapping has no lines of its own: its messages name the keys instead.
        text, located = yaml.safe_dump(dict(definition), allow_unicode=True, sort_keys=False), False
    else:
        raise ValidationError({"definition": _("Give the instrument as YAML text or a mapping (a JSON object).")})
    try:
        return parse_instrument(text, name="instrument")
    except InputError as exc:
        raise ValidationError({"definition": str(exc) if located else exc.reason}) from None
    except yaml.YAMLError as exc:
        raise ValidationError({"definition": str(exc)}) from None


def _check_code(value: str, field: str, errors: dict[str, list[str]]) -> None:
    try:
        code_validator(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
    if len(value) > MAX_CODE:
        errors.setdefault(field, []).append(_("A code has at most %(n)d characters.") % {"n": MAX_CODE})


def _check_text(value: str, field: str, limit: int, errors: dict[str, list[str]]) -> None:
    if not value.strip() or len(value.strip()) > limit:
        errors.setdefault(field, []).append(_("Give a text of at most %(n)d characters.") % {"n": limit})


def _check_options(item: engine.Item, where: str, errors: dict[str, list[str]]) -> None:
    codes = [opt.code for opt in item.options]
    add = errors.setdefault
    if len(codes) < 2:
        add(f"{where}.options", []).append(_("An item needs at least two answer options."))
    if len(set(codes)) != len(codes):
        add(f"{where}.options", []).append(_("Option codes repeat in item '%(item)s'.") % {"item": item.code})
    if item.kind == "binary" and len(codes) != 2:
        add(f"{where}.options", []).append(_("A yes/no item has exactly two options."))
    low, high = LIKERT_POINTS
    if item.kind == "likert" and not low <= len(codes) <= high:
        add(f"{where}.options", []).append(
            _("A Likert item has %(low)d to %(high)d points.") % {"low": low, "high": high}
        )
    if (item.kind == "likert" or item.ordered) and not item.scored:
        add(f"{where}.options", []).append(_("Every option of an ordered item needs a score."))
    favourable = sum(opt.favourable for opt in item.options)
    if codes and not 0 < favourable < len(codes):
        add(f"{where}.options", []).append(_("Mark at least one option, but not all, as favourable."))
    for k, opt in enumerate(item.options):
        _check_code(opt.code, f"{where}.options.{k}.code", errors)
        _check_text(opt.label, f"{where}.options.{k}.label", MAX_TITLE, errors)
        if opt.score is not None and not math.isfinite(opt.score):
            add(f"{where}.options.{k}.score", []).append(_("A score must be a finite number."))


def _check_item(item: engine.Item, where: str, seen: set[str], errors: dict[str, list[str]]) -> None:
    _check_code(item.code, f"{where}.code", errors)
    if item.code in seen:
        errors.setdefault(f"{where}.code", []).append(_("Item code '%(c)s' is used twice.") % {"c": item.code})
    seen.add(item.code)
    _check_text(item.text, f"{where}.text", MAX_TEXT, errors)
    if item.kind not in Item.Kind.values:
        choices = ", ".join(Item.Kind.values)
        errors.setdefault(f"{where}.kind", []).append(_("Kind must be one of: %(k)s.") % {"k": choices})
    _check_options(item, where, errors)


def instrument_check(definition: engine.Instrument) -> None:
    """Every rule an instrument must meet, all reported at once under dotted field names."""
    errors: dict[str, list[str]] = {}
    _check_code(definition.code, "code", errors)
    _check_text(definition.title, "title", MAX_TITLE, errors)
    if not definition.aspects:
        errors.setdefault("aspects", []).append(_("An instrument needs at least one aspect."))
    aspect_codes: set[str] = set()
    item_codes: set[str] = set()
    for a, aspect in enumerate(definition.aspects):
        _check_code(aspect.code, f"aspects.{a}.code", errors)
        if aspect.code in aspect_codes:
            errors.setdefault(f"aspects.{a}.code", []).append(
                _("Aspect code '%(c)s' is used twice.") % {"c": aspect.code}
            )
        aspect_codes.add(aspect.code)
        _check_text(aspect.title, f"aspects.{a}.title", MAX_TITLE, errors)
        if not aspect.items:
            errors.setdefault(f"aspects.{a}.items", []).append(_("An aspect needs at least one item."))
        for i, item in enumerate(aspect.items):
            _check_item(item, f"aspects.{a}.items.{i}", item_codes, errors)
    if not errors:  # the engine's own rules, so an instrument stored here can always be analysed
        errors = {"definition": instrument_errors(definition)} if instrument_errors(definition) else {}
    if errors:
        raise ValidationError(errors)


def _write_content(instrument: Instrument, definition: engine.Instrument) -> None:
    for a, spec in enumerate(definition.aspects, start=1):
        aspect = Aspect.objects.create(instrument=instrument, order=a, code=spec.code, title=spec.title.strip())
        for i, item_spec in enumerate(spec.items, start=1):
            item = Item.objects.create(
                instrument=instrument, aspect=aspect, order=i, code=item_spec.code, text=item_spec.text.strip(),
                kind=item_spec.kind, ordered=item_spec.ordered or item_spec.kind == "likert",
            )  # fmt: skip
            Option.objects.bulk_create(
                Option(item=item, order=k, code=o.code, label=o.label.strip(), favourable=o.favourable, score=o.score)
                for k, o in enumerate(item_spec.options, start=1)
            )


def _content(instrument: Instrument) -> dict[str, Any]:
    """What the audit trail keeps of an instrument's questions: item codes with their option codes."""
    items = Item.objects.filter(instrument=instrument).prefetch_related("options").order_by("aspect__order", "order")
    return {"items": {item.code: [o.code for o in item.options.all()] for item in items}}


@transaction.atomic
def instrument_create(*, actor: Any, definition: Definition, language: str = "id", description: str = "") -> Instrument:
    """A new instrument (version 1 unless the definition names another) with its aspects, items and options."""
    require(actor, "evaluation.manage")
    spec = _parsed(definition)
    instrument_check(spec)
    if Instrument.objects.filter(code=spec.code).exists():
        raise ValidationError(
            {"code": _("Instrument '%(c)s' exists already; make a new version of it instead.") % {"c": spec.code}}
        )
    instrument = Instrument(
        code=spec.code, version=max(spec.version, 1), title=spec.title.strip(), language=language,
        description=description.strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    save_checked(instrument)
    _write_content(instrument, spec)
    audit_record(actor=actor, action="create", obj=instrument, after={**snapshot(instrument), **_content(instrument)})
    return instrument


def _refuse_locked(instrument: Instrument) -> None:
    if instrument.locked_at is not None:
        since = timezone.localtime(instrument.locked_at).date().isoformat()
        message = _(
            "Instrument '%(c)s' version %(v)d has responses since %(d)s and can no longer change; make a new "
            "version of it instead."
        )
        raise ValidationError({"instrument": message % {"c": instrument.code, "v": instrument.version, "d": since}})


@transaction.atomic
def instrument_update(
    *, actor: Any, instrument: Instrument, definition: Definition, description: str | None = None
) -> Instrument:
    """Replace the questions of an instrument no one has answered yet (its code and version stay)."""
    require(actor, "evaluation.manage")
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    _refuse_locked(instrument)
    spec = _parsed(definition)
    instrument_check(spec)
    if spec.code != instrument.code:
        raise ValidationError({"code": _("The code of an instrument cannot change.")})
    before = {**snapshot(instrument), **_content(instrument)}
    instrument.title = spec.title.strip()
    if description is not None:
        instrument.description = description.strip()
    save_checked(instrument)
    instrument.aspects.all().delete()  # items and options go with their aspect
    _write_content(instrument, spec)
    audit_record(
        actor=actor,
        action="update",
        obj=instrument,
        before=before,
        after={**snapshot(instrument), **_content(instrument)},
    )
    return instrument


def _definition_of(instrument: Instrument) -> engine.Instrument:
    from pendamping.evaluation.selectors import instrument_definition

    return instrument_definition(instrument=instrument)


@transaction.atomic
def instrument_new_version(
    *, actor: Any, instrument: Instrument, definition: Definition | None = None, description: str | None = None
) -> Instrument:
    """The next version of an instrument: a copy of `instrument`, or `definition` (same code) when given. The
    old version stays as it was, with its answers; studies keep the version they were made with."""
    require(actor, "evaluation.manage")
    spec = _parsed(definition) if definition is not None else _definition_of(instrument)
    instrument_check(spec)
    if spec.code != instrument.code:
        raise ValidationError(
            {"code": _("A new version keeps the instrument's code (%(c)s).") % {"c": instrument.code}}
        )
    # Lock the code's versions (FOR UPDATE cannot take an aggregate), so two new versions cannot collide.
    latest = max(Instrument.objects.select_for_update().filter(code=instrument.code).values_list("version", flat=True))
    new = Instrument(
        code=instrument.code, version=latest + 1, title=spec.title.strip(), language=instrument.language,
        description=instrument.description if description is None else description.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    save_checked(new)
    _write_content(new, spec)
    audit_record(actor=actor, action="create", obj=new, after={**snapshot(new), **_content(new)})
    return new


def instrument_lock(*, instrument: Instrument) -> None:
    """Freeze an instrument when its first answer is stored (called inside the answer's transaction)."""
    Instrument.objects.filter(pk=instrument.pk, locked_at__isnull=True).update(locked_at=timezone.now())
