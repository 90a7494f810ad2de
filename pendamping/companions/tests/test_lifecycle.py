"""The companion's lifecycle: only the model's moves, each audited; an officer deactivates and reactivates; the
companion page and the API show the whole path."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.selectors.lifecycle import companion_path
from pendamping.companions.services.lifecycle import companion_deactivate, companion_move, companion_reactivate
from pendamping.companions.services.people import companion_create
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, nik_for, village

pytestmark = pytest.mark.django_db
S = Companion.Status


def test_the_models_moves_pass_and_are_audited(admin: Any) -> None:
    companion = CompanionFactory(status=S.CANDIDATE)
    for to in (S.TRAINEE, S.INTERN, S.ACTIVE, S.INACTIVE):
        companion = companion_move(actor=admin, companion=companion, to=to)

    assert companion.status == S.INACTIVE
    moves = AuditEntry.objects.filter(object_id=str(companion.pk), changes__has_key="status").count()
    assert moves == 4


@pytest.mark.parametrize(("start", "to"), [(S.CANDIDATE, S.ACTIVE), (S.APPLICANT, S.TRAINEE), (S.ACTIVE, S.TRAINEE)])
def test_a_move_the_model_does_not_have_is_refused(admin: Any, start: str, to: str) -> None:
    companion = CompanionFactory(status=start)

    with pytest.raises(ValidationError, match="cannot go from"):
        companion_move(actor=admin, companion=companion, to=to)
    companion.refresh_from_db()
    assert companion.status == start


def test_a_new_companion_starts_as_a_candidate_or_active_only(admin: Any) -> None:
    desa = village(SURABAYA_VILLAGE)
    made = companion_create(actor=admin, nik=nik_for(desa, 9501), name="Sri", education="sma", home_desa_code=desa.code)
    assert made.status == S.CANDIDATE
    with pytest.raises(ValidationError, match="starts as a candidate"):
        companion_create(
            actor=admin,
            nik=nik_for(desa, 9502),
            name="Budi",
            education="sma",
            home_desa_code=desa.code,
            status="intern",
        )


def test_deactivation_ends_the_current_assignments_with_the_reason(surabaya_officer: Any) -> None:
    assignment = AssignmentFactory(group__desa=village(SURABAYA_VILLAGE))
    companion = assignment.companion

    companion_deactivate(actor=surabaya_officer, companion=companion, on=dt.date(2026, 10, 31), reason="Pindah tugas")

    assignment.refresh_from_db()
    companion.refresh_from_db()
    assert companion.status == S.INACTIVE
    assert (assignment.ended_on, assignment.end_reason) == (dt.date(2026, 10, 31), "Pindah tugas")


def test_deactivation_needs_a_reason_and_the_officers_own_regency(surabaya_officer: Any) -> None:
    mine = CompanionFactory(home_desa=village(SURABAYA_VILLAGE))
    theirs = CompanionFactory(home_desa=village(MALANG_VILLAGE))

    with pytest.raises(ValidationError, match="reason"):
        companion_deactivate(actor=surabaya_officer, companion=mine, on=dt.date(2026, 10, 1), reason=" ")
    with pytest.raises(ValidationError):
        companion_deactivate(actor=surabaya_officer, companion=theirs, on=dt.date(2026, 10, 1), reason="x")
    assert Companion.objects.filter(status=S.ACTIVE, pk__in=[mine.pk, theirs.pk]).count() == 2


def test_only_someone_who_served_is_reactivated(admin: Any) -> None:
    served = AssignmentFactory(ended_on=dt.date(2024, 1, 1)).companion
    Companion.objects.filter(pk=served.pk).update(status=S.INACTIVE)
    never = CompanionFactory(status=S.INACTIVE)

    assert companion_reactivate(actor=admin, companion=served).status == S.ACTIVE
    with pytest.raises(ValidationError, match="served before"):
        companion_reactivate(actor=admin, companion=never)


def test_the_path_lists_each_status_reached_in_order(admin: Any) -> None:
    desa = village(SURABAYA_VILLAGE)
    companion = companion_create(
        actor=admin, nik=nik_for(desa, 9503), name="Ani", education="s1", home_desa_code=desa.code
    )
    for to in (S.TRAINEE, S.INTERN, S.ACTIVE):
        companion = companion_move(actor=admin, companion=companion, to=to)

    assert [step.status for step in companion_path(companion=companion)] == ["candidate", "trainee", "intern", "active"]


def test_the_companion_page_shows_the_path_and_deactivates(
    client_for: Callable[..., Client], surabaya_officer: Any
) -> None:
    assignment = AssignmentFactory(group__desa=village(SURABAYA_VILLAGE))
    client = client_for(surabaya_officer)
    url = f"/companions/{assignment.companion_id}/"

    assert "Deactivate this companion" in client.get(url).content.decode()
    response = client.post(f"{url}deactivate/", {"on": "2026-10-31", "reason": "Mengundurkan diri"})

    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).ended_on == dt.date(2026, 10, 31)
    assert "Reactivate" in client.get(url).content.decode()


def test_the_api_deactivates_and_shows_the_path(client_for: Callable[..., Client], admin: Any) -> None:
    companion = AssignmentFactory().companion
    client = client_for(admin)

    response = client.post(
        f"/api/companions/{companion.pk}/deactivate",
        {"on": "2026-10-31", "reason": "Selesai kontrak"},
        content_type="application/json",
    )

    assert response.status_code == 200 and response.json()["status"] == "inactive"
    refused = client.post(f"/api/companions/{companion.pk}/reactivate", {"why": "x"}, content_type="application/json")
    assert refused.status_code in (400, 422)
