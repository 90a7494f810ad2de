"""The pseudonymised research export of a study, for its evaluators.

Layout: long, one row per answer (respondent × wave × item), the layout the statistics packages read directly
(R `pivot_wider`, pandas `pivot`, SPSS "restructure" turn it wide when needed) and the one that stays the same
shape whatever the instrument. Each row: the respondent's pseudonym, arm, wave, aspect, item, the answer (code,
label, favourable, score), and what may be known of the respondent without knowing who they are: sex, age in
bands, education and the regency code (never the desa).

Left out: NIK and KK (the pseudonym is the study's keyed HMAC of them, see evaluation.services.pseudonym), names,
addresses, phone numbers, birth dates, the external person's reference and every database id."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.companions.models import Companion
from pendamping.evaluation.models import Arm, Response, Study
from pendamping.exchange.exports.spec import Column, Kind, choice, flag, ident, number, text
from pendamping.exchange.exports.table import Table, table_from, values
from pendamping.privacy.selectors import restricted_companion_ids

# (lower bound, label): the band of an age is the last one whose bound it reaches.
AGE_BANDS = ((0, "<25"), (25, "25-34"), (35, "35-44"), (45, "45-54"), (55, "55+"))
KINDS = (("companion", _("companion")), ("external", _("external person")))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age: int) -> str:
    label = AGE_BANDS[0][1]
    for bound, name in AGE_BANDS:
        if age >= bound:
            label = name
    return label


def reference_day(study: Study) -> dt.date:
    """Ages are taken on the study's first day (else its first dated wave, else today), so a respondent keeps one
    band in every wave."""
    if study.starts_on:
        return study.starts_on
    first = study.waves.filter(date__isnull=False).order_by("order").values_list("date", flat=True).first()
    return first or timezone.localdate()


def _banded(day: dt.date) -> Callable[[dt.date], str]:
    return lambda birth: age_band(age_on(birth, day))


def research_columns(study: Study) -> tuple[Column, ...]:
    return (
        ident(_("Pseudonym"), "respondent__pseudonym", 16),
        choice(_("Arm"), "respondent__arm__code", Arm.Code.choices, 10),
        ident(_("Wave"), "wave__code", 10),
        number(_("Wave order"), "wave__order", 6),
        ident(_("Aspect"), "item__aspect__code", 10),
        ident(_("Item"), "item__code", 10),
        text(_("Question"), "item__text", 40),
        ident(_("Answer"), "option__code", 10),
        text(_("Answer label"), "option__label", 20),
        flag(_("Favourable"), "option__favourable"),
        number(_("Answer score"), "option__score", 8),
        choice(_("Respondent"), "respondent_kind", KINDS, 12),
        choice(_("Sex"), "respondent__companion__sex", Companion.Sex.choices, 10),
        Column(_("Age band"), "respondent__companion__birth_date", Kind.TEXT, convert=_banded(reference_day(study))),
        choice(_("Education"), "respondent__companion__education", Companion.Education.choices, 22),
        ident(_("Regency code"), "regency_code", 8),
    )


def research_rows(*, user: Any, study: Study) -> QuerySet[Any]:
    """The study's answers the user may see (the study itself already fetched through its scoped selector)."""
    kind = Case(
        When(respondent__companion__isnull=True, then=Value("external")),
        default=Value("companion"),
        output_field=CharField(),
    )
    regency = Coalesce(F("respondent__regency_id"), F("respondent__companion__regency_id"))
    return (
        Response.objects.visible_to(user)
        .filter(respondent__study=study)
        .exclude(respondent__companion__in=restricted_companion_ids())  # restricted processing (UU 27/2022)
        .annotate(respondent_kind=kind, regency_code=regency)
        .order_by("respondent__pseudonym", "wave__order", "item__aspect__order", "item__order", "pk")
    )


def research_table(*, user: Any, study: Study) -> Table:
    columns = research_columns(study)
    rows = values(research_rows(user=user, study=study), columns)
    return table_from(str(_("Responses")), columns, rows, unmasked=False)
