"""Builders of recruitment rows for the recruitment tests (and the scoping tests), and tests that they build
what they say. Calls and applications go through the services as the system (actor None): a call gets its
quotas and criteria, an application its reference, automatic scores and rank, as in real use. `call_dates`
then moves a call's dates directly, for the states the services rightly refuse to reach (a call that closed)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pendamping.companions.models import Application, Call
from pendamping.companions.services.recruitment import application_submit_public, call_create, call_set_status
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, nik_for, village

SURABAYA, MALANG = "35.78", "35.07"
MOTIVATION = "Saya ingin membantu kelompok usaha bersama di desa saya agar lebih maju."


def make_call(
    *,
    quotas: dict[str, int] | None = None,
    status: str = Call.Status.OPEN,
    title: str = "Rekrutmen pendamping 2025",
    criteria: list[dict[str, Any]] | None = None,
) -> Call:
    """A call open from five days ago for 25 more days (moved on to `status`), default criteria unless given."""
    today = timezone.localdate()
    call = call_create(
        actor=None,
        title=title,
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=25),
        quotas=quotas or {SURABAYA: 2},
        criteria=criteria,
    )
    steps = [Call.Status.OPEN, Call.Status.SCREENING, Call.Status.DECIDED]
    for step in steps[: steps.index(status) + 1] if status != Call.Status.DRAFT else []:
        call = call_set_status(actor=None, call=call, status=step)
    call.refresh_from_db()
    return call


def call_dates(call: Call, *, opens_on: dt.date, closes_on: dt.date) -> Call:
    Call.objects.filter(pk=call.pk).update(opens_on=opens_on, closes_on=closes_on)
    call.refresh_from_db()
    return call


def applicant(
    n: int = 1, *, desa: str = SURABAYA_VILLAGE, born: dt.date | None = None, **overrides: Any
) -> dict[str, Any]:
    """The fields of an application by person `n` living in `desa` (their NIK registered there)."""
    return {
        "nik": nik_for(village(desa), n, born=born or dt.date(1995, 3, 14)),
        "name": f"Pelamar {n}",
        "phone": "0812-3456-7890",
        "email": "",
        "education": "s1",
        "home_desa_code": desa,
        "experience_years": 2,
        "experience": "Pengurus koperasi desa.",
        "motivation": MOTIVATION,
        **overrides,
    }


def submit(call: Call, n: int = 1, *, regency: str = SURABAYA, **overrides: Any) -> Application:
    return application_submit_public(call=call, regency_code=regency, **applicant(n, **overrides))


pytestmark = pytest.mark.django_db


def test_make_call_builds_an_open_call_with_the_default_criteria() -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 1})
    assert call.status == "open" and call.is_open_on(timezone.localdate())
    assert sorted(call.quotas.values_list("regency_id", "quota")) == [(MALANG, 1), (SURABAYA, 2)]
    assert [c.kind for c in call.criteria.all()] == [
        "education",
        "residence",
        "experience",
        "age",
        "interview",
        "written",
    ]


def test_make_call_reaches_screening_through_the_services() -> None:
    assert make_call(status="screening").status == "screening"
    assert make_call(status="draft").status == "draft"


def test_submit_stores_a_ranked_application_with_its_automatic_scores() -> None:
    application = submit(make_call(), 1, desa=MALANG_VILLAGE)
    assert application.regency_id == SURABAYA and application.home_desa_id == MALANG_VILLAGE
    assert application.scores.count() == 4 and application.rank == 1
