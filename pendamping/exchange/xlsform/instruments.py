"""A survey instrument version as an XLSForm: the study, the respondent's code, the arm and the wave, then one
question per item (a select of the item's own options), a page per aspect.

The export of such a form is wide (one column per item); the `responses` import kind reads long rows, so
`responses_io.widen_to_long` turns the one into the other, by the item codes `item_name` wrote here."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pendamping.evaluation.models import Study
from pendamping.evaluation.selectors import instrument_aspects, study_list, study_waves
from pendamping.exchange.xlsform.choices import FormUnavailable
from pendamping.exchange.xlsform.sheet import XlsForm, choice, question

FORM_ID = "pendamping_instrument_{code}_v{version}"
ARMS = (("treatment", gettext_lazy("treatment")), ("control", gettext_lazy("control")))
# The fields before the items; an item whose code is one of these is renamed (see item_name).
FIXED = ("study", "respondent", "arm", "wave")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def item_name(code: str) -> str:
    """The form field of an item: its code when that is a valid XLSForm name (item codes may begin with a digit,
    names may not) and takes no fixed field's name; otherwise the code behind "q_"."""
    plain = _XML_NAME.fullmatch(code) and code.lower() not in FIXED and not code.lower().startswith("xml")
    return code if plain else f"q_{code}"


def form_studies(*, user: Any, instrument: Any, study_id: Any = None) -> list[Any]:
    """The studies (not closed) that use the instrument and `user` sees; one when `study_id` names it."""
    scoped = Study.objects.all() if user is None else study_list(user=user)
    qs = scoped.filter(instrument=instrument).exclude(status=Study.Status.CLOSED)
    if study_id not in (None, ""):
        qs = qs.filter(pk=int(study_id)) if str(study_id).isdigit() and len(str(study_id)) < 19 else qs.none()
    studies = list(qs.order_by("title", "pk"))
    if not studies:
        raise FormUnavailable(_("No open study you take part in uses this instrument, so there is no form to fill."))
    return studies


def _options(aspects: list[Any]) -> tuple[dict[int, str], list[dict[str, str]]]:
    """One choice list per distinct set of options (a Likert scale shared by twenty items is listed once)."""
    lists: dict[tuple[tuple[str, str], ...], str] = {}
    of_item: dict[int, str] = {}
    rows: list[dict[str, str]] = []
    for aspect in aspects:
        for item in aspect.items.all():
            options = tuple((o.code, o.label) for o in item.options.all())
            if options not in lists:
                lists[options] = name = f"options_{len(lists) + 1}"
                rows += [choice(name, code, label) for code, label in options]
            of_item[item.pk] = lists[options]
    return of_item, rows


def _head(studies: list[Any]) -> list[dict[str, str]]:
    one = str(studies[0].pk) if len(studies) == 1 else ""
    return [
        question("select_one studies", "study", gettext_lazy("Study"), required=True, default=one),
        question(
            "text",
            "respondent",
            gettext_lazy("Respondent code"),
            hint=gettext_lazy("The respondent's code (pseudonym) on the study's list."),
            required=True,
        ),
        question("select_one arms", "arm", gettext_lazy("Arm"), required=True),
        question("select_one waves", "wave", gettext_lazy("Wave"), required=True, choice_filter="study=${study}"),
    ]


def instrument_form(*, user: Any, instrument: Any, study_id: Any = None) -> XlsForm:
    """The form for an instrument version `user` sees (instrument_get's scope); FormUnavailable without a study."""
    studies = form_studies(user=user, instrument=instrument, study_id=study_id)
    aspects = instrument_aspects(instrument=instrument)
    of_item, option_rows = _options(aspects)
    survey = _head(studies)
    for aspect in aspects:
        items = list(aspect.items.all())
        if items:
            survey.append(question("begin_group", f"aspect_{aspect.order}", aspect.title, appearance="field-list"))
            survey += [question(f"select_one {of_item[i.pk]}", item_name(i.code), i.text) for i in items]
            survey.append({"type": "end_group"})
    waves = [choice("waves", w.code, w.label, study=str(s.pk)) for s in studies for w in study_waves(study=s)]
    if not waves or not option_rows:
        raise FormUnavailable(_("The study has no waves or the instrument no items yet, so there is no form to fill."))
    choices = [choice("studies", str(s.pk), s.title) for s in studies]
    choices += [choice("arms", code, label) for code, label in ARMS] + waves
    form_id = FORM_ID.format(code=re.sub(r"[^A-Za-z0-9_]", "_", instrument.code), version=instrument.version)
    # Two studies may both have a wave "pre": the list holds it twice, told apart by the study filter.
    settings = {"allow_choice_duplicates": "yes", "instance_name": "concat(${respondent}, ' ', ${wave})"}
    return XlsForm(form_id, instrument.title, survey, choices + option_rows, settings)
