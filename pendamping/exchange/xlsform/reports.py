"""The monthly UEP report as an XLSForm, made from the `reports` import kind's columns (so each question carries
the field name the import reads, and a column added to the kind gets its question), asked as the report page
asks them (enterprise's ReportForm: its labels and hints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from pendamping.enterprise.forms.reports import MONEY_FIELDS, ReportForm
from pendamping.exchange.kinds import get_kind
from pendamping.exchange.kinds.base import Column
from pendamping.exchange.xlsform.choices import form_groups
from pendamping.exchange.xlsform.sheet import Text, XlsForm, interpolate, question
from pendamping.exchange.xlsform.visits import kube_choices, kube_question

FORM_ID = "pendamping_monthly_report"
WHOLE = ". >= 0"
MAX_MEETINGS = 31  # as the report service: a month has at most 31 meetings


def _label(column: Column) -> Any:
    field = ReportForm.base_fields.get(column.field)
    return field.label if field is not None and field.label else column.header


def _hint(column: Column) -> Any:
    field = ReportForm.base_fields.get(column.field)
    return field.help_text if field is not None and field.help_text else None


def _period(column: Column) -> dict[str, str]:
    return question(
        "date",
        column.field,
        _label(column),
        required=True,
        constraint=". <= today()",
        constraint_message=_("A month that has not begun cannot be reported."),
        appearance="month-year",
    )


def _money(column: Column) -> dict[str, str]:
    """Whole rupiah: an integer question (the phone's number pad), never negative; 0 when optional."""
    message = _("Whole rupiah, never negative.")
    default = "" if column.required else "0"
    return question(
        "integer",
        column.field,
        _label(column),
        required=column.required,
        constraint=WHOLE,
        constraint_message=message,
        default=default,
    )


def _count(column: Column, *, maximum: int | None = None) -> dict[str, str]:
    message: Text
    if maximum is None:
        constraint, message = WHOLE, _("Give a whole number, 0 or more.")
    else:
        constraint = f". >= 0 and . <= {maximum}"
        message = interpolate(_("Meetings held must be between 0 and %(max)s."), max=maximum)
    return question(
        "integer",
        column.field,
        _label(column),
        hint=_hint(column),
        required=column.required,
        constraint=constraint,
        constraint_message=message,
    )


def _text(column: Column) -> dict[str, str]:
    return question(
        "text", column.field, _label(column), hint=_hint(column), required=column.required, appearance="multiline"
    )


QUESTIONS: dict[str, Callable[[Column], dict[str, str]]] = {
    "group_code": lambda column: kube_question(column.field),
    "period": _period,
    **{name: _money for name in MONEY_FIELDS},
    "members_active": _count,
    "meetings_held": lambda column: _count(column, maximum=MAX_MEETINGS),
}


def survey() -> list[dict[str, str]]:
    """A question per column of the kind, in its order; a column with no question of its own asks for text."""
    return [QUESTIONS.get(column.field, _text)(column) for column in get_kind("reports").columns]


def reports_form(*, user: Any, regency: str = "") -> XlsForm:
    """The form for `user` (None: the operator, every KUBE). FormUnavailable when they have no KUBE."""
    groups = form_groups(user=user, with_companion=False, regency=regency)
    settings = {"instance_name": "concat(${group_code}, ' ', substr(${period}, 0, 7))"}
    return XlsForm(FORM_ID, _("Monthly UEP report"), survey(), kube_choices(groups), settings)
