"""Screening through the services: the panel's scores (0-100, panel criteria only), the ranking per regency
with ties and missing scores, and the decisions (reason, call status, quota), with an accepted applicant
becoming a companion candidate (or their existing record linked, never set back)."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Application, ApplicationScore, Call, Companion
from pendamping.companions.selectors.recruitment import application_list, call_criteria, ranking_rows
from pendamping.companions.services.recruitment import (
    application_decide,
    application_score_set,
    applications_rank,
    call_set_status,
)
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.companions.tests.test_recruitment_factories import MALANG, SURABAYA, make_call, submit
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.tests.factories import MALANG_VILLAGE

pytestmark = pytest.mark.django_db
PANEL_ONLY = [{"kind": "interview", "weight": 60}, {"kind": "written", "weight": 40}]


def screening(call: Call) -> Call:
    return call_set_status(actor=None, call=call, status="screening")


def criterion(call: Call, kind: str) -> Any:
    return call.criteria.get(kind=kind)


def score(actor: Any, application: Application, kind: str, value: Any, note: str = "") -> ApplicationScore:
    return application_score_set(
        actor=actor, application=application, criterion=criterion(application.call, kind), value=value, note=note
    )


def decide(application: Application, decision: str, actor: Any = None, reason: str = "Hasil seleksi") -> Application:
    return application_decide(actor=actor, application=application, decision=decision, reason=reason)


# --- the panel's scores -----------------------------------------------------------------------------------


def test_the_panel_scores_an_interview_and_the_ranking_follows(surabaya_officer: User) -> None:
    call = make_call(criteria=PANEL_ONLY)
    first, second = submit(call, 1), submit(call, 2)
    stored = score(surabaya_officer, second, "interview", "85.5", note="Komunikatif")
    assert (stored.value, stored.note, stored.entered_by) == (Decimal("85.50"), "Komunikatif", surabaya_officer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.score, second.rank, first.score, first.rank) == (Decimal("51.30"), 1, Decimal("0.00"), 2)
    score(surabaya_officer, second, "interview", 70)  # corrected: the same row
    entries = AuditEntry.objects.filter(content_type__model="applicationscore").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["value"] == ["85.50", "70.00"]
    assert ApplicationScore.objects.filter(application=second).count() == 1


@pytest.mark.parametrize("value", [-1, "100.01", 101, "sembilan", None])
def test_a_score_outside_0_100_is_refused(value: Any, admin: User) -> None:
    application = submit(make_call(criteria=PANEL_ONLY), 1)
    with pytest.raises(ValidationError) as refused:
        score(admin, application, "interview", value)
    assert refused.value.message_dict["value"] == ["A score is a number from 0 to 100."]
    assert not ApplicationScore.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="applicationscore").exists()


@pytest.mark.parametrize("value", [0, 100, "0", "100.00"])
def test_the_ends_of_the_scale_are_scores(value: Any, admin: User) -> None:
    assert score(admin, submit(make_call(criteria=PANEL_ONLY), 1), "written", value).pk


def test_a_panel_score_on_an_automatic_criterion_is_refused(admin: User) -> None:
    application = submit(make_call(), 1)
    before = application.scores.get(criterion__kind="education").value
    with pytest.raises(ValidationError) as refused:
        score(admin, application, "education", 10)
    assert "scored automatically" in refused.value.message_dict["criterion"][0]
    assert application.scores.get(criterion__kind="education").value == before


def test_a_criterion_of_another_call_is_refused(admin: User) -> None:
    application = submit(make_call(), 1)
    foreign = make_call().criteria.get(kind="interview")
    with pytest.raises(ValidationError, match="another call"):
        application_score_set(actor=admin, application=application, criterion=foreign, value=50)


def test_an_officer_scores_only_in_their_regencies(surabaya_officer: User, malang_officer: User) -> None:
    application = submit(make_call(quotas={SURABAYA: 1, MALANG: 1}), 1, regency=MALANG)
    with pytest.raises(ValidationError, match="outside the regencies"):
        score(surabaya_officer, application, "interview", 50)
    assert score(malang_officer, application, "interview", 50).pk


@pytest.mark.parametrize("role", ["auditor", "companion_user", "evaluator"])
def test_only_the_panel_scores(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        score(request.getfixturevalue(role), submit(make_call(), 1), "interview", 50)


def test_scores_are_final_once_decided(admin: User) -> None:
    call = make_call()
    application = submit(call, 1)
    screening(call)
    decide(application, "rejected", admin)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="decided already"):
        score(admin, application, "interview", 80)


# --- the ranking ------------------------------------------------------------------------------------------


def test_ranking_by_hand_with_ties_and_missing_scores(admin: User) -> None:
    call = make_call(criteria=PANEL_ONLY, quotas={SURABAYA: 2, MALANG: 1})
    a, b, c, d = (submit(call, n) for n in range(1, 5))
    m = submit(call, 5, regency=MALANG, desa=MALANG_VILLAGE)
    for application, interview, written in ((a, 80, 50), (b, 50, 95), (c, 90, None), (d, 80, 50)):
        score(admin, application, "interview", interview)
        if written is not None:
            score(admin, application, "written", written)
    ranked = {r.application.pk: r for r in applications_rank(actor=admin, call=call)}
    # a, d: 0.6 × 80 + 0.4 × 50 = 68; b: 30 + 38 = 68; c: 54 (written missing, counted 0); m: nothing yet
    assert [(ranked[x.pk].total, ranked[x.pk].rank) for x in (a, b, c, d, m)] == [
        (Decimal(68), 1), (Decimal(68), 1), (Decimal(54), 4), (Decimal(68), 1), (Decimal(0), 1),
    ]  # fmt: skip
    assert [x.kind for x in ranked[c.pk].missing] == ["written"] and len(ranked[m.pk].missing) == 2
    stored = dict(Application.objects.values_list("pk", "rank"))
    assert stored == {a.pk: 1, b.pk: 1, c.pk: 4, d.pk: 1, m.pk: 1}


def test_ranking_an_officers_call_touches_only_their_regencies(surabaya_officer: User) -> None:
    call = make_call(criteria=PANEL_ONLY, quotas={SURABAYA: 1, MALANG: 1})
    submit(call, 1)
    away = submit(call, 2, regency=MALANG, desa=MALANG_VILLAGE)
    Application.objects.filter(pk=away.pk).update(rank=None, score=None)
    rows = applications_rank(actor=surabaya_officer, call=call)
    assert [r.application.regency_id for r in rows] == [SURABAYA]
    assert Application.objects.get(pk=away.pk).rank is None
    with pytest.raises(ValidationError, match="outside the regencies"):
        applications_rank(actor=surabaya_officer, call=call, regency_code=MALANG)
    with pytest.raises(ValidationError, match="does not recruit"):
        applications_rank(actor=surabaya_officer, call=call, regency_code="35.73")


def test_the_ranking_of_a_decided_call_is_final(admin: User) -> None:
    with pytest.raises(ValidationError, match="ranking is final"):
        applications_rank(actor=admin, call=make_call(status="decided"))


def test_the_ranking_list_reads_in_a_fixed_number_of_queries(admin: User) -> None:
    call = make_call()
    for n in range(1, 4):
        submit(call, n)

    def read() -> int:
        with CaptureQueriesContext(connection) as queries:
            criteria = call_criteria(call=call)
            rows = ranking_rows(list(application_list(user=admin, call=call)), criteria)
            assert all(len(r.scores) == 6 for r in rows)
        return len(queries)

    few = read()
    for n in range(4, 10):
        submit(call, n)
    assert read() == few <= 3


# --- decisions --------------------------------------------------------------------------------------------


def test_accepting_makes_a_companion_candidate_audited(admin: User) -> None:
    call = make_call()
    application = submit(call, 1, name="Siti  Rahayu", education="diploma")
    screening(call)
    decided = application_decide(
        actor=admin, application=application, decision="accepted", reason="Peringkat 1", version=1
    )
    companion = Companion.objects.get(nik=application.nik)
    assert decided.companion == companion and (decided.status, decided.decided_by) == ("accepted", admin)
    assert (companion.status, companion.regency_id, companion.home_desa_id) == (
        "candidate",
        SURABAYA,
        application.home_desa_id,
    )
    assert (companion.name, companion.education, companion.phone) == ("Siti Rahayu", "diploma", "081234567890")
    created = AuditEntry.objects.get(content_type__model="companion", object_id=str(companion.pk))
    assert created.action == "create" and created.changes["status"] == [None, "candidate"]
    updated = AuditEntry.objects.get(content_type__model="application", action="update")
    assert updated.changes["status"] == ["submitted", "accepted"]
    assert updated.changes["companion_id"] == [None, companion.pk]


def test_accepting_beyond_the_quota_is_refused(admin: User) -> None:
    call = make_call(quotas={SURABAYA: 1})
    first, second = submit(call, 1), submit(call, 2)
    screening(call)
    decide(first, "accepted", admin)
    with pytest.raises(ValidationError) as refused:
        decide(second, "accepted", admin)
    assert refused.value.message_dict["decision"] == ["The quota of 1 for Kota Surabaya is full."]
    second.refresh_from_db()
    assert second.status == "submitted" and Companion.objects.count() == 1
    assert decide(second, "waiting", admin).status == "waiting"  # the waiting list has no quota


def test_a_decision_needs_a_reason_a_known_decision_and_a_call_in_screening(admin: User) -> None:
    call = make_call()
    application = submit(call, 1)
    with pytest.raises(ValidationError, match="once the call is in screening"):
        decide(application, "accepted", admin)
    screening(call)
    with pytest.raises(ValidationError) as refused:
        decide(application, "accepted", admin, reason="   ")
    assert refused.value.message_dict["reason"] == ["Give the reason for the decision."]
    with pytest.raises(ValidationError, match="Choose accepted, waiting list or rejected"):
        decide(application, "submitted", admin)
    application.refresh_from_db()
    assert application.status == "submitted" and not Companion.objects.exists()


def test_an_acceptance_stands_and_a_waiting_applicant_can_be_accepted_later(admin: User) -> None:
    """A place left open when the call was decided still goes to the waiting list."""
    call = make_call(quotas={SURABAYA: 2})
    first, second = submit(call, 1), submit(call, 2)
    call = screening(call)
    decide(first, "accepted", admin)
    decide(second, "waiting", admin)
    call_set_status(actor=admin, call=call, status="decided")
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="the decision stands"):
        decide(first, "rejected", admin)
    second.refresh_from_db()
    assert decide(second, "accepted", admin, reason="Pengganti").status == "accepted"


def test_a_stale_decision_is_refused(admin: User) -> None:
    call = make_call()
    application = submit(call, 1)
    screening(call)
    decide(application, "waiting", admin)
    with pytest.raises(StaleRecord):
        application_decide(actor=admin, application=application, decision="rejected", reason="x", version=1)


def test_only_an_admin_decides(surabaya_officer: User) -> None:
    call = make_call()
    application = submit(call, 1)
    screening(call)
    with pytest.raises(PermissionDenied):
        decide(application, "accepted", surabaya_officer)


def test_an_existing_companion_is_linked_and_keeps_a_further_status(admin: User) -> None:
    call = make_call()
    application = submit(call, 1)
    companion = CompanionFactory(nik=application.nik, status=Companion.Status.TRAINEE, name="Nama Lama")
    screening(call)
    decided = decide(application, "accepted", admin)
    companion.refresh_from_db()
    assert decided.companion == companion and (companion.status, companion.name) == ("trainee", "Nama Lama")
    assert Companion.objects.count() == 1


def test_a_former_companion_accepted_again_starts_as_a_candidate(admin: User) -> None:
    call = make_call(quotas={MALANG: 1})
    application = submit(call, 1, regency=MALANG, desa=MALANG_VILLAGE)
    companion = CompanionFactory(nik=application.nik, status=Companion.Status.INACTIVE)
    screening(call)
    decide(application, "accepted", admin)
    companion.refresh_from_db()
    # Two audited writes: the record moves to the regency applied for, then the lifecycle step back to candidate.
    assert (companion.status, companion.regency_id, companion.version) == ("candidate", MALANG, 3)
    entry = AuditEntry.objects.get(
        content_type__model="companion", object_id=str(companion.pk), changes__has_key="status"
    )
    assert entry.changes["status"] == ["inactive", "candidate"]


def test_a_person_accepted_through_another_call_is_not_linked_twice(admin: User) -> None:
    first_call, second_call = make_call(), make_call()
    earlier = submit(first_call, 1)
    screening(first_call)
    decide(earlier, "accepted", admin)
    Companion.objects.filter(nik=earlier.nik).update(status=Companion.Status.INACTIVE)
    again = submit(second_call, 1)
    screening(second_call)
    with pytest.raises(ValidationError, match="already a companion, accepted in the call"):
        decide(again, "accepted", admin)
