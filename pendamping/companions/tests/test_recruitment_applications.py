"""Applications through the services: the public submission and the officer's entry, each refusal with its
message (closed call, regency without quota, duplicate NIK, bad NIK, companion already in the programme), the
reference, the automatic scores and the ranking that follow, and the audit trail."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Application, Companion
from pendamping.companions.services.recruitment import application_enter, application_submit_public
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.companions.tests.test_recruitment_factories import (
    MALANG,
    SURABAYA,
    applicant,
    call_dates,
    make_call,
    submit,
)
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, village

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def refused(call: Any, field: str | None = None, **overrides: Any) -> str:
    """Submit and expect a refusal; the message (of `field`, or the general one); nothing stored."""
    before = (Application.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        submit(call, **overrides)
    assert (Application.objects.count(), AuditEntry.objects.count()) == before
    errors = caught.value
    return " ".join(errors.message_dict[field] if field else errors.messages)


def test_a_public_application_is_stored_with_a_reference_scores_and_a_rank() -> None:
    call = make_call()
    application = submit(call, 1, born=dt.date(1990, 5, 20))
    assert re.fullmatch(r"REK-[2-9A-HJKMNP-Z]{8}", application.reference)
    assert (application.channel, application.status, application.created_by) == ("public", "submitted", None)
    assert (application.sex, application.birth_date) == ("M", dt.date(1990, 5, 20))
    assert application.phone == "081234567890"
    scores = dict(application.scores.values_list("criterion__kind", "value"))
    assert scores == {"education": 100, "residence": 100, "experience": Decimal("66.67"), "age": 100}
    # (25 + 20 + 10) × 100 + 20 × 66.67 over 100, the panel's 25 not scored yet
    assert (application.score, application.rank) == (Decimal("68.33"), 1)
    entry = AuditEntry.objects.get(content_type__model="application")
    assert (entry.action, entry.actor_name, entry.changes["reference"][1]) == (
        "create",
        "system",
        application.reference,
    )


def test_a_womans_nik_gives_her_sex_and_birth_date() -> None:
    nik = applicant(2)["nik"]
    female = nik[:6] + f"{int(nik[6:8]) + 40:02d}" + nik[8:]
    application = submit(make_call(), 2, nik=female)
    assert (application.sex, application.birth_date) == ("F", dt.date(1995, 3, 14))


def test_an_application_after_the_call_closed_is_refused() -> None:
    call = call_dates(make_call(), opens_on=TODAY - dt.timedelta(days=30), closes_on=TODAY - dt.timedelta(days=1))
    assert refused(call) == f"Applications closed on {date_format(TODAY - dt.timedelta(days=1))}."


def test_an_application_before_the_call_opens_is_refused() -> None:
    call = call_dates(make_call(), opens_on=TODAY + dt.timedelta(days=1), closes_on=TODAY + dt.timedelta(days=9))
    assert "Applications open on" in refused(call)


def test_the_last_day_still_takes_applications() -> None:
    call = call_dates(make_call(), opens_on=TODAY - dt.timedelta(days=9), closes_on=TODAY)
    assert submit(call).pk


@pytest.mark.parametrize("status", ["draft", "screening", "decided"])
def test_a_call_that_is_not_open_takes_no_application(status: str) -> None:
    assert "not taking applications" in refused(make_call(status=status))


def test_the_regency_must_be_one_of_the_call() -> None:
    assert "this call recruits in" in refused(make_call(quotas={SURABAYA: 1}), "regency", regency=MALANG)


def test_the_same_nik_applies_once_per_call() -> None:
    call = make_call()
    submit(call, 1)
    message = refused(call, "nik", name="Nama Lain")
    assert message == "This NIK has already applied to this call; each person applies once per call."
    assert submit(make_call(), 1).pk  # another call is another matter


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("357801140395", "16 digits (found 12)"),
        ("35780114039500O1", "digits only"),
        ("3578013203950001", "day of birth"),
        ("3578011413950001", "month of birth"),
        ("3578011403950000", "cannot be 0000"),
    ],
)
def test_an_invalid_nik_is_refused(nik: str, message: str) -> None:
    assert message in refused(make_call(), "nik", nik=nik)


def test_a_companion_already_in_the_programme_need_not_apply() -> None:
    companion = CompanionFactory(status=Companion.Status.ACTIVE)
    assert "already in the programme" in refused(make_call(), "nik", nik=companion.nik)


@pytest.mark.parametrize("status", ["applicant", "inactive"])
def test_a_former_companion_or_a_registered_applicant_may_apply(status: str) -> None:
    companion = CompanionFactory(status=status)
    assert submit(make_call(), nik=companion.nik).pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "   "}, "name", "required"),
        ({"phone": "12345"}, "phone", "9-15 digits"),
        ({"email": "bukan-email"}, "email", "valid email"),
        ({"education": "phd"}, "education", "Choose one"),
        ({"home_desa_code": "35.78.99.9999"}, "home_desa", "Unknown village"),
        ({"home_desa_code": SURABAYA_VILLAGE[:8]}, "home_desa", "Unknown village"),  # a kecamatan
        ({"experience_years": -1}, "experience_years", "0 to 60"),
        ({"experience_years": 61}, "experience_years", "0 to 60"),
        ({"motivation": "Mau kerja"}, "motivation", "at least 20 characters"),
        ({"motivation": "x" * 3001}, "motivation", "At most 3000"),
    ],
)
def test_bad_fields_are_refused(overrides: dict[str, Any], field: str, message: str) -> None:
    assert message in refused(make_call(), field, **overrides)


def test_an_officer_enters_an_applicant_for_their_regency(surabaya_officer: User) -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 2})
    application = application_enter(actor=surabaya_officer, call=call, regency_code=SURABAYA, **applicant(3))
    assert (application.channel, application.created_by) == ("officer", surabaya_officer)
    with pytest.raises(ValidationError) as caught:
        application_enter(actor=surabaya_officer, call=call, regency_code=MALANG, **applicant(4))
    assert "outside the regencies you work in" in caught.value.message_dict["regency"][0]
    assert Application.objects.count() == 1


@pytest.mark.parametrize("role", ["auditor", "companion_user", "evaluator", "norole"])
def test_only_officers_and_admins_enter_applicants(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        application_enter(actor=request.getfixturevalue(role), call=make_call(), regency_code=SURABAYA, **applicant())
    assert not Application.objects.exists()


def test_applicants_from_elsewhere_rank_below_local_ones() -> None:
    call = make_call(quotas={SURABAYA: 1, MALANG: 1})
    away = submit(call, 1, desa=MALANG_VILLAGE)
    local = submit(call, 2)
    other_regency = submit(call, 3, regency=MALANG, desa=MALANG_VILLAGE)
    for application in (away, local, other_regency):
        application.refresh_from_db()
    assert away.scores.get(criterion__kind="residence").value == 40
    assert (local.rank, away.rank, other_regency.rank) == (1, 2, 1)  # ranked per regency


def test_the_public_signature_takes_every_field() -> None:
    application = application_submit_public(call=make_call(), regency_code=SURABAYA, **applicant(5, email="a@b.id"))
    assert application.email == "a@b.id" and application.home_desa == village(SURABAYA_VILLAGE)
