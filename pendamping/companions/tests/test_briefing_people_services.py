"""The people of a briefing batch: who may take part (and the candidate → trainee step), the venue's capacity,
removal while planned, attendance, test scores, and finishing the batch (completion by share of hours)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Attendance, Briefing, Companion, Participant
from pendamping.companions.services.briefing import (
    attendance_record,
    briefing_finish,
    participant_add,
    participant_remove,
    scores_record,
    session_add,
)
from pendamping.companions.tests.briefing_factories import (
    JUL1,
    JUL2,
    batch,
    join,
    module,
    person,
    refusal,
    session,
)

pytestmark = pytest.mark.django_db
S = Companion.Status


def status_changes(companion: Companion) -> list[list[str]]:
    entries = AuditEntry.objects.filter(object_id=str(companion.pk), content_type__model="companion")
    return [e.changes["status"] for e in entries.order_by("pk") if "status" in e.changes]


def test_a_candidate_who_joins_a_batch_becomes_a_trainee_on_the_record(admin: Any) -> None:
    ani = person("Ani", status=S.CANDIDATE)
    participant_add(actor=admin, briefing=batch(), companion=ani)
    ani.refresh_from_db()
    assert (ani.status, ani.version) == (S.TRAINEE, 2)
    assert status_changes(ani) == [["candidate", "trainee"]]


def test_active_companions_and_trainees_take_part_without_changing_status() -> None:
    briefing = batch()
    active, trainee = person("Budi", status=S.ACTIVE), person("Citra", status=S.TRAINEE)
    join(briefing, active, trainee)
    assert list(Companion.objects.order_by("name").values_list("status", flat=True)) == [S.ACTIVE, S.TRAINEE]
    assert status_changes(active) == status_changes(trainee) == []


@pytest.mark.parametrize("status", [S.APPLICANT, S.INTERN, S.INACTIVE])
def test_applicants_interns_and_inactive_companions_cannot_take_part(status: str) -> None:
    briefing, someone = batch(), person("Dedi", status=status)
    message = refusal(lambda: join(briefing, someone), "companion")
    assert message.startswith("Only candidates, trainees and active companions take part in a briefing; Dedi is")
    assert not Participant.objects.exists()


def test_nobody_takes_part_twice_in_the_same_batch() -> None:
    briefing, ani = batch(), person("Ani")
    join(briefing, ani)
    assert refusal(lambda: join(briefing, ani), "companion") == "Ani is already in this batch."


def test_the_venue_capacity_caps_the_participants(admin: Any) -> None:
    briefing = batch(venue_capacity=2)
    join(briefing, person("Ani"), person("Budi"))
    extra = person("Citra")
    message = refusal(lambda: participant_add(actor=admin, briefing=briefing, companion=extra), "companion")
    assert message == "The venue holds 2 participants and the batch already has 2; it is full."
    extra.refresh_from_db()
    assert extra.status == S.CANDIDATE and briefing.participants.count() == 2


def test_a_removed_trainee_is_a_candidate_again_unless_in_another_batch(admin: Any) -> None:
    first, second = batch("Angkatan I"), batch("Angkatan II")
    ani, budi, citra = person("Ani"), person("Budi"), person("Citra", status=S.ACTIVE)
    p_ani, p_budi, p_citra = join(first, ani, budi, citra)
    join(second, budi)
    for p in (p_ani, p_budi, p_citra):
        participant_remove(actor=admin, participant=p)
    statuses = dict(Companion.objects.values_list("name", "status"))
    assert statuses == {"Ani": S.CANDIDATE, "Budi": S.TRAINEE, "Citra": S.ACTIVE}
    assert status_changes(ani) == [["candidate", "trainee"], ["trainee", "candidate"]]
    assert not first.participants.exists()


def test_participants_are_removed_only_while_the_batch_is_planned(admin: Any) -> None:
    briefing = batch()
    s = session(briefing, module(briefing))
    ani, budi = join(briefing, person("Ani"), person("Budi"))
    attendance_record(actor=admin, session=s, present=[ani.pk])
    message = refusal(lambda: participant_remove(actor=admin, participant=budi))
    assert message == "Participants can only be removed while the batch is planned."
    assert briefing.participants.count() == 2


def test_attendance_marks_the_others_absent_and_starts_the_batch(admin: Any) -> None:
    briefing = batch()
    s = session(briefing, module(briefing))
    ani, budi, citra = join(briefing, person("Ani"), person("Budi"), person("Citra"))
    attendance_record(actor=admin, session=s, present=[ani.pk, budi.pk])
    marks = dict(Attendance.objects.values_list("participant__companion__name", "present"))
    assert marks == {"Ani": True, "Budi": True, "Citra": False}
    briefing.refresh_from_db()
    assert (briefing.status, briefing.version) == (Briefing.Status.RUNNING, 2)
    attendance_record(actor=admin, session=s, present=[citra.pk])  # a correction replaces the record
    marks = dict(Attendance.objects.values_list("participant__companion__name", "present"))
    assert marks == {"Ani": False, "Budi": False, "Citra": True} and Attendance.objects.count() == 3
    entry = AuditEntry.objects.filter(object_id=str(s.pk), content_type__model="session").order_by("pk").last()
    assert entry is not None and entry.changes == {"present": [[ani.pk, budi.pk], [citra.pk]]}


def test_attendance_for_someone_not_in_the_batch_is_refused_and_nothing_is_saved(admin: Any) -> None:
    briefing, other = batch(), batch("Angkatan II")
    s = session(briefing, module(briefing))
    (ani,) = join(briefing, person("Ani"))
    (stranger,) = join(other, person("Eko"))
    message = refusal(lambda: attendance_record(actor=admin, session=s, present=[ani.pk, stranger.pk]), "present")
    assert message == "1 of the people marked present are not participants of this batch; nothing was saved."
    assert not Attendance.objects.exists()
    assert Briefing.objects.get(pk=briefing.pk).status == Briefing.Status.PLANNED


def test_attendance_waits_for_the_day_of_the_session(admin: Any) -> None:
    today = timezone.localdate()
    briefing = batch(starts_on=today, ends_on=today + dt.timedelta(days=2))
    mod = module(briefing)
    tomorrow = session_add(
        actor=admin,
        briefing=briefing,
        module=mod,
        on=today + dt.timedelta(days=1),
        starts_at=dt.time(8),
        ends_at=dt.time(10),
        method="lecture",
    )
    join(briefing, person("Ani"))
    assert "record attendance on or after that day" in refusal(
        lambda: attendance_record(actor=admin, session=tomorrow, present=[]), "present"
    )


@pytest.mark.parametrize("score", [101, -1, "seratus", "50.123", "NaN"])
def test_scores_outside_0_to_100_are_refused(admin: Any, score: Any) -> None:
    briefing = batch()
    (ani,) = join(briefing, person("Ani Lestari"))
    call = lambda: scores_record(actor=admin, briefing=briefing, scores={ani.pk: {"pre_score": score}})  # noqa: E731
    message = refusal(call, "pre_score")
    assert message == f"Scores are from 0 to 100 with at most two decimals: Ani Lestari has {score}."
    assert Participant.objects.get().pre_score is None


def test_scores_are_recorded_changed_and_cleared_and_audited(admin: Any) -> None:
    briefing = batch()
    ani, budi = join(briefing, person("Ani"), person("Budi"))
    changed = scores_record(
        actor=admin,
        briefing=briefing,
        scores={ani.pk: {"pre_score": "55,5", "post_score": 80}, budi.pk: {"pre_score": 0, "post_score": 100}},
    )
    assert len(changed) == 2
    scores_record(actor=admin, briefing=briefing, scores={ani.pk: {"post_score": 85}})  # pre unchanged
    scores_record(actor=admin, briefing=briefing, scores={budi.pk: {"post_score": ""}})  # cleared
    rows = dict(Participant.objects.values_list("companion__name", "pre_score"))
    assert rows == {"Ani": Decimal("55.5"), "Budi": Decimal(0)}
    assert (
        Participant.objects.get(pk=ani.pk).post_score == 85 and Participant.objects.get(pk=budi.pk).post_score is None
    )
    assert AuditEntry.objects.filter(content_type__model="participant", action="update").count() == 4


def test_scores_for_someone_not_in_the_batch_are_refused() -> None:
    briefing, other = batch(), batch("Angkatan II")
    (stranger,) = join(other, person("Eko"))
    message = refusal(lambda: scores_record(actor=None, briefing=briefing, scores={stranger.pk: {"pre_score": 50}}))
    assert "not participants of this batch" in message
    assert Participant.objects.get().pre_score is None


def _five_sessions(briefing: Briefing) -> list[Any]:
    """Ten hours: 2 h each, the fifth two hours too."""
    mod = module(briefing, hours=10)
    times = [((8, 0), (10, 0)), ((10, 0), (12, 0)), ((13, 0), (15, 0))]
    days = [(JUL1, t) for t in times] + [(JUL2, t) for t in times[:2]]
    return [session(briefing, mod, on=on, start=start, end=end) for on, (start, end) in days]


def test_finishing_completes_exactly_those_present_for_80_percent_of_the_hours(admin: Any) -> None:
    briefing = batch()
    sessions = _five_sessions(briefing)
    ani, budi, citra = join(briefing, person("Ani"), person("Budi"), person("Citra", status=S.ACTIVE))
    present = {0: [ani, budi, citra], 1: [ani, budi, citra], 2: [ani, budi], 3: [ani, budi], 4: [ani]}
    for i, s in enumerate(sessions):
        attendance_record(actor=admin, session=s, present=[p.pk for p in present[i]])
    briefing_finish(actor=admin, briefing=briefing)
    done = dict(Participant.objects.values_list("companion__name", "completed"))
    assert done == {"Ani": True, "Budi": True, "Citra": False}  # 10/10 h, 8/10 h (the threshold), 4/10 h
    assert Briefing.objects.get().status == Briefing.Status.FINISHED
    # Finishing moves nobody along the lifecycle: the internship step does.
    assert dict(Companion.objects.values_list("name", "status")) == {"Ani": S.TRAINEE, "Budi": S.TRAINEE,
                                                                     "Citra": S.ACTIVE}  # fmt: skip


def test_the_completion_threshold_is_the_batchs_own(admin: Any) -> None:
    briefing = batch(completion_share=90)
    sessions = _five_sessions(briefing)
    (ani,) = join(briefing, person("Ani"))
    for s in sessions[:4]:
        attendance_record(actor=admin, session=s, present=[ani.pk])
    attendance_record(actor=admin, session=sessions[4], present=[])
    briefing_finish(actor=admin, briefing=briefing)
    assert not Participant.objects.get().completed  # 8 of 10 hours: enough for 80%, not for 90%


def test_a_batch_without_sessions_or_with_sessions_to_come_cannot_be_finished(admin: Any) -> None:
    empty = batch()
    join(empty, person("Ani"))
    assert "has no sessions" in refusal(lambda: briefing_finish(actor=admin, briefing=empty))
    today = timezone.localdate()
    ahead = batch("Angkatan II", starts_on=today, ends_on=today + dt.timedelta(days=3))
    session_add(
        actor=admin,
        briefing=ahead,
        module=module(ahead),
        on=today + dt.timedelta(days=3),
        starts_at=dt.time(8),
        ends_at=dt.time(9),
        method="lecture",
    )
    join(ahead, person("Budi"))
    assert "finish the batch after it" in refusal(lambda: briefing_finish(actor=admin, briefing=ahead))
    assert not Briefing.objects.filter(status=Briefing.Status.FINISHED).exists()


def test_a_finished_batch_is_closed_to_changes_but_scores_may_come_later(admin: Any) -> None:
    briefing = batch()
    s = session(briefing, module(briefing))
    (ani,) = join(briefing, person("Ani"))
    attendance_record(actor=admin, session=s, present=[ani.pk])
    briefing_finish(actor=admin, briefing=briefing)
    assert "already finished" in refusal(lambda: briefing_finish(actor=admin, briefing=briefing))
    closed = "This batch is finished"
    assert closed in refusal(lambda: join(briefing, person("Budi")))
    assert closed in refusal(lambda: attendance_record(actor=admin, session=s, present=[]))
    assert closed in refusal(lambda: session(briefing, module(batch("Lain")), on=JUL2))
    scores_record(actor=admin, briefing=briefing, scores={ani.pk: {"pre_score": 40, "post_score": 75}})
    assert Participant.objects.get().post_score == 75 and Participant.objects.get().completed
