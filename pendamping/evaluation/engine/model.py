"""The engine's plain data: an instrument (aspects, items, answer options), answers, options.

Frozen dataclasses so results can be hashed and shared between threads; the Django app maps
its rows onto these and back, the CLI reads them from YAML and CSV (see ``io``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "AnalysisOptions", "Answer", "Aspect", "Instrument", "Item", "Option"]

KINDS = ("binary", "categorical", "likert")


@dataclass(frozen=True)
class Option:
    """One answer option of an item; ``score`` orders ordinal (Likert) options."""

    code: str
    label: str
    favourable: bool
    score: float | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``kind`` is "binary", "categorical" or "likert"; ``ordered`` marks ordinal options."""

    code: str
    text: str
    kind: str
    options: tuple[Option, ...]
    ordered: bool = False

    def option(self, code: str) -> Option | None:
        """The option with this code, or None."""
        for opt in self.options:
            if opt.code == code:
                return opt
        return None

    @property
    def scored(self) -> bool:
        """True when every option carries a score (ordinal items, Likert scales)."""
        return bool(self.options) and all(opt.score is not None for opt in self.options)


@dataclass(frozen=True)
class Aspect:
    """A group of items reported together (the study's unit of analysis)."""

    code: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Instrument:
    """A versioned questionnaire."""

    code: str
    version: int
    title: str
    aspects: tuple[Aspect, ...]

    def items(self) -> dict[str, Item]:
        """Every item by code, in instrument order."""
        return {item.code: item for aspect in self.aspects for item in aspect.items}

    def aspect_of(self) -> dict[str, str]:
        """Item code -> aspect code."""
        return {item.code: aspect.code for aspect in self.aspects for item in aspect.items}


@dataclass(frozen=True)
class Answer:
    """One answer: ``arm`` is "treatment" or "control"; ``wave`` is "pre" or "post" (more allowed)."""

    respondent: str
    arm: str
    wave: str
    item: str
    answer: str


@dataclass(frozen=True)
class AnalysisOptions:
    """How to analyse: significance level, report language, multiplicity method, the two waves compared.

    ``adjust`` is a method of :func:`pendamping.stats.adjust_pvalues` ("holm", "bh", "bonferroni").
    ``family`` declares the multiplicity family: "all" (every design-correct test of the analysis,
    the default), "aspect" (each aspect's tests on their own) or "comparison" (each kind of
    comparison, e.g. all "treatment pre vs post" tests, on its own).
    """

    alpha: float = 0.05
    lang: str = "id"
    adjust: str = "holm"
    waves: tuple[str, str] = ("pre", "post")
    family: str = "all"
