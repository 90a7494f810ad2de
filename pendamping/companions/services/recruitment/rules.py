"""The screening rules, as plain functions of an application's data: the automatic criteria's scores, the
weighted total and the ranks. The services store what these compute; tests check them by hand.

The automatic criteria and their parameters (`Criterion.params`):

- education: a score per level, {"levels": {"sd": 0, "smp": 20, "sma": 60, "diploma": 80, "s1": 100, "s2": 100}}.
- residence: the home village against the regency applied for, {"same_regency": 100, "same_province": 40,
  "elsewhere": 0}. The region table has no adjacency, so "near the regency" is read as "in the same province":
  a village code starts with its regency's code (35.78.01.1001 lies in 35.78) and its province's (35).
- experience: years of business or community work against the years that earn full marks,
  {"full_years": 3}: min(100, 100 × years / full_years).
- age: the age in whole years on the call's closing date (from the birth date in the NIK),
  {"min_age": 21, "max_age": 45, "margin": 5}: inside the band 100, at most `margin` years outside it 50,
  further out 0.

The panel's criteria (interview, written test, other) take no parameters."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pendamping.companions.models import Companion, Criterion

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
Kind = Criterion.Kind

DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    Kind.EDUCATION: {"levels": {"sd": 0, "smp": 20, "sma": 60, "diploma": 80, "s1": 100, "s2": 100}},
    Kind.RESIDENCE: {"same_regency": 100, "same_province": 40, "elsewhere": 0},
    Kind.EXPERIENCE: {"full_years": 3},
    Kind.AGE: {"min_age": 21, "max_age": 45, "margin": 5},
}
# The set a call gets when it names none: weights that add up to 100, so a weight reads as a share.
DEFAULT_CRITERIA: list[tuple[str, int]] = [
    (Kind.EDUCATION, 25),
    (Kind.RESIDENCE, 20),
    (Kind.EXPERIENCE, 20),
    (Kind.AGE, 10),
    (Kind.INTERVIEW, 15),
    (Kind.WRITTEN, 10),
]
# Bounds of the integer parameters: (lowest, highest).
_BOUNDS: dict[str, tuple[int, int]] = {
    "same_regency": (0, 100),
    "same_province": (0, 100),
    "elsewhere": (0, 100),
    "full_years": (1, 40),
    "min_age": (15, 70),
    "max_age": (15, 70),
    "margin": (0, 20),
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_in(value: Any, *, field: str, low: Decimal, high: Decimal, message: str) -> Decimal:
    """A number typed or sent in any usual form (12, "12.5", 12.5), to the cent; outside [low, high] refused."""
    if isinstance(value, bool):
        raise ValidationError({field: message})
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: message}) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError({field: message})
    return cents(number)


def _whole(params: Mapping[str, Any], key: str) -> int:
    value = params.get(key)
    low, high = _BOUNDS[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            {
                "params": _("%(key)s must be a whole number from %(low)d to %(high)d.")
                % {"key": key, "low": low, "high": high}
            }
        )
    return value


def _levels(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping) or set(value) != set(Companion.Education.values):
        raise ValidationError(
            {
                "params": _("levels must give a score for each of: %(levels)s.")
                % {"levels": ", ".join(Companion.Education.values)}
            }
        )
    for level, score in value.items():
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
            raise ValidationError({"params": _("The score of %(level)s must be 0-100.") % {"level": level}})
    return {level: int(value[level]) for level in Companion.Education.values}


def clean_params(kind: str, params: Any) -> dict[str, Any]:
    """A criterion's parameters, checked: the defaults of its kind overridden by what is given; unknown keys and
    parameters on a panel criterion are refused."""
    given = params if params is not None else {}
    if not isinstance(given, Mapping):
        raise ValidationError({"params": _("Parameters must be an object of names and values.")})
    defaults = DEFAULT_PARAMS.get(kind)
    if defaults is None:
        if given:
            raise ValidationError({"params": _("The panel scores this criterion; it takes no parameters.")})
        return {}
    if unknown := sorted(set(given) - set(defaults)):
        raise ValidationError(
            {
                "params": _("Unknown parameters: %(names)s. This criterion takes: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(defaults)}
            }
        )
    merged = {**defaults, **given}
    if kind == Kind.EDUCATION:
        return {"levels": _levels(merged["levels"])}
    clean = {key: _whole(merged, key) for key in defaults}
    if kind == Kind.AGE and clean["min_age"] > clean["max_age"]:
        raise ValidationError({"params": _("min_age cannot be above max_age.")})
    return clean


@dataclass(frozen=True)
class Applicant:
    """What the automatic criteria read of an application."""

    education: str
    home_desa_code: str
    regency_code: str
    experience_years: int
    birth_date: dt.date


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years between `birth` and `day` (a birthday on `day` counts)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def auto_score(kind: str, params: Mapping[str, Any], who: Applicant, *, closes_on: dt.date) -> tuple[Decimal, str]:
    """The score (0-100) of an automatic criterion, and a short note saying what it was computed from."""
    if kind == Kind.EDUCATION:
        score = params["levels"].get(who.education, 0)
        return cents(Decimal(score)), str(Companion.Education(who.education).label)
    if kind == Kind.RESIDENCE:
        if who.home_desa_code[:5] == who.regency_code:
            return cents(Decimal(params["same_regency"])), _("home village in the regency applied for")
        if who.home_desa_code[:2] == who.regency_code[:2]:
            return cents(Decimal(params["same_province"])), _("home village elsewhere in the province")
        return cents(Decimal(params["elsewhere"])), _("home village outside the province")
    if kind == Kind.EXPERIENCE:
        share = HUNDRED * who.experience_years / Decimal(params["full_years"])
        return cents(min(HUNDRED, share)), _("%(n)d years of experience") % {"n": who.experience_years}
    if kind == Kind.AGE:
        age = age_on(who.birth_date, closes_on)
        low, high, margin = params["min_age"], params["max_age"], params["margin"]
        score = 100 if low <= age <= high else 50 if low - margin <= age <= high + margin else 0
        return cents(Decimal(score)), _("%(n)d years old when the call closes") % {"n": age}
    raise ValueError(f"{kind} is scored by the panel")


def weighted_total(weights: Mapping[int, Decimal], scores: Mapping[int, Decimal]) -> Decimal:
    """Σ weight × score / Σ weight over the call's criteria (by id); a criterion without a score counts 0."""
    total_weight = sum(weights.values(), Decimal(0))
    if not total_weight:
        return Decimal("0.00")
    points = sum((weight * scores.get(cid, Decimal(0)) for cid, weight in weights.items()), Decimal(0))
    return cents(points / total_weight)


def competition_ranks(totals: Iterable[Decimal]) -> list[int]:
    """Ranks of totals already sorted from high to low: equal totals share a rank and the next one skips
    ("1, 2, 2, 4"), so a tie is never broken by something the criteria do not say."""
    ranks: list[int] = []
    previous: Decimal | None = None
    for position, total in enumerate(totals, start=1):
        ranks.append(ranks[-1] if previous is not None and total == previous else position)
        previous = total
    return ranks
