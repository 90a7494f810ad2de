"""The visit log as an XLSForm: one visit to a KUBE, the same questions as the phone page (companions' visit
form), named as the `visits` import kind's fields so an ODK Central or KoboToolbox export imports back as it is."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pendamping.companions.forms.visits import FOLLOW_UP_SLOTS, ROLE_CHOICES
from pendamping.companions.selectors.visits import TOPICS
from pendamping.exchange.xlsform.choices import form_groups
from pendamping.exchange.xlsform.sheet import XlsForm, choice, interpolate, question

FORM_ID = "pendamping_visits"
NOT_FUTURE = ". <= today()"


def kube_question(name: str) -> dict[str, str]:
    return question("select_one kube", name, _("KUBE"), required=True, appearance="minimal")


def kube_choices(groups: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [choice("kube", code, f"{code} — {name}") for code, name in groups]


def _follow_ups() -> list[dict[str, str]]:
    rows = []
    for n in range(1, FOLLOW_UP_SLOTS + 1):
        shown = f"${{follow_up_{n - 1}}} != ''" if n > 1 else ""  # the next slot once the one before is used
        rows += [
            question("text", f"follow_up_{n}", interpolate(_("Follow-up action %(n)d"), n=n), relevant=shown),
            question(
                "date",
                f"follow_up_{n}_due",
                _("Due on"),
                required=True,
                constraint=". >= ${visited_on}",
                constraint_message=_("A follow-up cannot be due before the visit."),
                relevant=f"${{follow_up_{n}}} != ''",
            ),
        ]
    return rows


def survey() -> list[dict[str, str]]:
    return [
        kube_question("group_code"),
        question(
            "date",
            "visited_on",
            _("Date of the visit"),
            required=True,
            constraint=NOT_FUTURE,
            constraint_message=_("A visit cannot be dated in the future."),
            default="today()",
        ),
        question(
            "select_multiple roles", "roles", _("Roles the visit served"), hint=_("Tick one or more."), required=True
        ),
        question("select_multiple topics", "topics", _("Topics")),
        question("text", "topic_other", _("Other topic")),
        question(
            "integer",
            "members_present",
            _("Members present"),
            required=True,
            constraint=". >= 0 and . <= 99",
            constraint_message=_("Give a number from 0 to 99."),
        ),
        question("text", "problems", _("Problems found"), appearance="multiline"),
        *_follow_ups(),
    ]


def visits_form(*, user: Any, regency: str = "") -> XlsForm:
    """The form for `user` (None: the operator, every KUBE). FormUnavailable when they have no KUBE to visit."""
    groups = form_groups(user=user, with_companion=True, regency=regency)
    choices = [
        *kube_choices(groups),
        *(choice("roles", code, label) for code, label in ROLE_CHOICES),
        *(choice("topics", code, label) for code, label in TOPICS.choices),
    ]
    settings = {"instance_name": "concat(${group_code}, ' ', ${visited_on})"}
    return XlsForm(FORM_ID, _("Companion visit"), survey(), choices, settings)
