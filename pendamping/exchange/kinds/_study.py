"""A study as the responses import reads it, loaded once per import: its respondents (by pseudonym, with their arm),
its waves, and its instrument's items with the spellings each option is accepted in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pendamping.core.nik import mask_number
from pendamping.evaluation.models import Item, Study
from pendamping.evaluation.services import pseudonym
from pendamping.evaluation.services.responses import require_collecting
from pendamping.exchange.kinds._common import Errors, norm
from pendamping.exchange.kinds.base import Context

# The spellings the evaluation app's own CSV reader accepts (evaluation.engine.io), here by `norm`.
ARMS = {
    "treatment": ("treatment", "perlakuan", "eksperimen", "experimental", "experiment", "intervensi", "intervention"),
    "control": ("control", "kontrol", "pembanding", "comparison"),
}
WAVES = {"pre": ("pre", "pretest", "sebelum"), "post": ("post", "posttest", "sesudah", "setelah")}


def _alias(value: str, table: dict[str, tuple[str, ...]]) -> str | None:
    key = norm(value)
    return next((canonical for canonical, names in table.items() if key in names), None)


@dataclass
class StudyBook:
    study: Study
    arms: dict[str, str] = field(default_factory=dict)  # pseudonym -> arm code
    waves: list[str] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # casefolded item code -> item code
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # item code -> accepted spelling -> option code
    closed: str = ""  # why the study takes no answers now

    @classmethod
    def load(cls, study: Study) -> StudyBook:
        book = cls(study, waves=list(study.waves.order_by("order").values_list("code", flat=True)))
        book.arms = dict(study.respondents.values_list("pseudonym", "arm__code"))
        for item in Item.objects.filter(instrument_id=study.instrument_id).prefetch_related("options"):
            book.items[item.code.casefold()] = item.code
            accepted: dict[str, str] = {}
            for option in item.options.all():
                accepted[option.code] = option.code
                accepted.setdefault(option.code.casefold(), option.code)
                accepted.setdefault(" ".join(option.label.split()).casefold(), option.code)
            book.options[item.code] = accepted
        try:
            require_collecting(study)
        except ValidationError as exc:
            book.closed = exc.messages[0]
        return book

    def respondent(self, value: str) -> str | None:
        for candidate in (value, value.upper()):
            if candidate in self.arms:
                return candidate
        code = pseudonym(self.study, value)
        return code if code in self.arms else None

    def resolve(self, row: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
        """The row with the study's own codes (pseudonym, arm, wave, item, option), and what does not fit."""
        errors: Errors = [("study", self.closed)] if self.closed else []
        out: dict[str, Any] = {"study": self.study.pk}
        checks = (("respondent", self._respondent), ("wave", self._wave), ("item", self._item))
        for name, check in checks:
            if name in row:
                value, problem = check(row[name])
                out[name] = value
                errors += [(name, problem)] if problem else []
        if "arm" in row and out.get("respondent"):
            errors += self._arm(row["arm"], out["respondent"])
        if "answer" in row and out.get("item"):
            out["answer"], problem = self._answer(out["item"], row["answer"])
            errors += [("answer", problem)] if problem else []
        return out, errors

    def _respondent(self, value: str) -> tuple[str, str]:
        code = self.respondent(value)
        if code is None:
            shown = mask_number(value) if re.fullmatch(r"[0-9]{16}", value) else value
            return "", _("Respondent %(r)s is not in this study.") % {"r": shown}
        return code, ""

    def _arm(self, value: str, respondent: str) -> Errors:
        arm = _alias(value, ARMS)
        if arm is None:
            return [("arm", _("The arm must be perlakuan (treatment) or kontrol (control)."))]
        if arm != self.arms[respondent]:
            return [("arm", _("Respondent %(r)s is in the %(arm)s arm, not %(given)s; a respondent cannot be in both "
                              "arms.") % {"r": respondent, "arm": self.arms[respondent], "given": value})]  # fmt: skip
        return []

    def _wave(self, value: str) -> tuple[str, str]:
        wave = _alias(value, WAVES) or value.strip().casefold()
        if wave not in self.waves:
            return "", _("Wave %(w)s is not a wave of this study (%(all)s).") % {
                "w": value,
                "all": ", ".join(self.waves),
            }
        return wave, ""

    def _item(self, value: str) -> tuple[str, str]:
        code = self.items.get(value.strip().casefold())
        if code is None:
            return "", _("There is no item %(item)s in this study's questionnaire.") % {"item": value}
        return code, ""

    def _answer(self, item: str, value: str) -> tuple[str, str]:
        accepted = self.options[item]
        text = value.strip()
        code = accepted.get(text) or accepted.get(" ".join(text.split()).casefold())
        if code is None:
            allowed = ", ".join(sorted(set(accepted.values())))
            return "", _("%(value)s is not an answer option of item %(item)s (allowed: %(allowed)s).") % {
                "value": value,
                "item": item,
                "allowed": allowed,
            }
        return code, ""


def study_book(ctx: Context, pk: int) -> StudyBook | None:
    """The study with this number, if the actor takes part in it (as the studies' own pages decide)."""

    def load() -> StudyBook | None:
        studies = Study.objects.all() if ctx.actor is None else Study.objects.visible_to(ctx.actor)
        study = studies.filter(pk=pk).first()
        return StudyBook.load(study) if study is not None else None

    return ctx.memo(f"responses:study:{pk}", load)
