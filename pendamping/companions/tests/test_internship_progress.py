"""The running internship: the trainee's logbook, the assessments (each item 1-4) and completion (intern ->
active, or a trainee again when failed), and finishing the round.

Cast: the admin runs the rounds; the Surabaya officer assesses Surabaya's trainees; `companion_user` is a
trainee's own login."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from pendamping.accounts.models import User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.companions.models import Companion, InternshipRound, Placement
from pendamping.companions.services.internship import (
    assessment_record,
    assessment_total,
    logbook_add,
    placement_complete,
    round_add_trainees,
    round_finish,
)
from pendamping.companions.tests.test_internship_services import (
    END,
    GOOD,
    START,
    draft_round,
    refusal,
    running_placement,
    status_changes,
    trainee,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


# --- logbook ------------------------------------------------------------------------------------------------------


def test_the_trainee_keeps_their_own_logbook(admin: User, companion_user: User) -> None:
    placement = running_placement(admin, user=companion_user)
    entry = logbook_add(
        actor=companion_user, placement=placement, on=START, activity="  Ikut  belanja bahan ", learnt="Harga"
    )
    assert (entry.activity, entry.learnt) == ("Ikut belanja bahan", "Harga")
    assert logbook_add(actor=admin, placement=placement, on=START, activity="Dicatat admin")


def test_another_companion_cannot_write_someone_elses_logbook(admin: User, companion_user: User) -> None:
    placement = running_placement(admin, user=UserFactory(role="companion", username="other"))
    with pytest.raises(PermissionDenied):
        logbook_add(actor=companion_user, placement=placement, on=START, activity="Bukan milik saya")
    assert not placement.logbook.exists()


def test_a_logbook_day_outside_the_round_or_in_the_future_is_refused(admin: User) -> None:
    placement = running_placement(admin)
    assert "within the round" in refusal(
        lambda: logbook_add(actor=admin, placement=placement, on=END + dt.timedelta(days=1), activity="x"), "on"
    )
    InternshipRound.objects.filter(pk=placement.round_id).update(ends_on=timezone.localdate() + dt.timedelta(days=9))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "future" in refusal(lambda: logbook_add(actor=admin, placement=placement, on=tomorrow, activity="x"), "on")


def test_no_logbook_before_the_round_is_confirmed(admin: User) -> None:
    rnd = draft_round(admin)
    (placement,) = round_add_trainees(actor=admin, round=rnd, companions=[trainee()])
    assert "while the internship runs" in refusal(
        lambda: logbook_add(actor=admin, placement=placement, on=START, activity="x")
    )


# --- assessments ------------------------------------------------------------------------------------------------


def test_the_assessment_total_is_the_mean_scaled_from_1_to_4_onto_0_to_100() -> None:
    assert assessment_total(dict.fromkeys(GOOD, 4)) == 100
    assert assessment_total(dict.fromkeys(GOOD, 1)) == 0
    assert assessment_total(GOOD) == 80  # mean 3.4: 2.4 of the 3 steps above 1
    assert assessment_total({**GOOD, "uep": 1}) == Decimal("66.67")


@pytest.mark.parametrize("bad", [0, 5, -1, "3", True, 2.5, None])
def test_a_score_outside_1_to_4_is_refused_and_nothing_saved(admin: User, bad: Any) -> None:
    placement = running_placement(admin)
    text = refusal(
        lambda: assessment_record(
            actor=admin, placement=placement, by="ketua", assessor_name="Pak RT", scores={**GOOD, "uep": bad}
        ),
        "scores",
    )
    assert "scored from 1 to 4" in text
    assert not placement.assessments.exists()


def test_every_item_and_only_the_rubric_items_are_scored(admin: User) -> None:
    placement = running_placement(admin)
    missing = {k: v for k, v in GOOD.items() if k != "initiative"}
    assert "missing: Initiative" in refusal(
        lambda: assessment_record(actor=admin, placement=placement, by="ketua", assessor_name="A", scores=missing)
    )
    assert "Unknown items: charm" in refusal(
        lambda: assessment_record(
            actor=admin, placement=placement, by="ketua", assessor_name="A", scores={**GOOD, "charm": 4}
        )
    )


def test_an_assessment_is_recorded_once_per_assessor_and_can_be_corrected(admin: User, surabaya_officer: User) -> None:
    placement = running_placement(admin)
    assessment_record(actor=surabaya_officer, placement=placement, by="officer", assessor_name="Bu Rina", scores=GOOD)
    again = assessment_record(
        actor=surabaya_officer,
        placement=placement,
        by="officer",
        assessor_name="Bu Rina",
        scores=dict.fromkeys(GOOD, 4),
    )
    assert placement.assessments.get().total == again.total == 100


def test_an_officer_of_another_regency_cannot_assess(admin: User, malang_officer: User) -> None:
    placement = running_placement(admin)
    assert "outside the regencies" in refusal(
        lambda: assessment_record(
            actor=malang_officer, placement=placement, by="officer", assessor_name="X", scores=GOOD
        )
    )


# --- completion: intern -> active ---------------------------------------------------------------------------------


def _assess(admin: User, placement: Placement, ketua: int, officer: int) -> None:
    assessment_record(
        actor=admin, placement=placement, by="ketua", assessor_name="Ketua", scores=dict.fromkeys(GOOD, ketua)
    )
    assessment_record(
        actor=admin, placement=placement, by="officer", assessor_name="Petugas", scores=dict.fromkeys(GOOD, officer)
    )


def test_completion_needs_both_assessments(admin: User) -> None:
    placement = running_placement(admin)
    assessment_record(actor=admin, placement=placement, by="ketua", assessor_name="Ketua", scores=GOOD)
    assert "missing: supervising officer" in refusal(lambda: placement_complete(actor=admin, placement=placement))
    assert Placement.objects.get(pk=placement.pk).status == "confirmed"


def test_a_passing_intern_becomes_an_active_companion_audited(admin: User) -> None:
    placement = running_placement(admin)
    _assess(admin, placement, ketua=4, officer=2)  # 100 and 33.33: final 66.67
    done = placement_complete(actor=admin, placement=placement)
    assert (done.status, Companion.objects.get(pk=placement.companion_id).status) == ("completed", "active")
    assert status_changes(placement.companion) == [["trainee", "intern"], ["intern", "active"]]


def test_a_failing_intern_is_a_trainee_again_for_a_later_round(admin: User, settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "INTERNSHIP_PASS_MARK": 70}
    placement = running_placement(admin)
    _assess(admin, placement, ketua=4, officer=2)  # 66.67, below 70
    done = placement_complete(actor=admin, placement=placement)
    assert (done.status, Companion.objects.get(pk=placement.companion_id).status) == ("failed", "trainee")
    rnd = draft_round(admin)
    round_add_trainees(actor=admin, round=rnd, companions=[placement.companion])  # may be placed again
    assert "only while the internship runs" in refusal(lambda: placement_complete(actor=admin, placement=placement))


def test_a_round_finishes_once_every_placement_is_decided(admin: User) -> None:
    placement = running_placement(admin)
    rnd = placement.round
    assert "still running" in refusal(lambda: round_finish(actor=admin, round=rnd))
    _assess(admin, placement, ketua=3, officer=3)
    placement_complete(actor=admin, placement=placement)
    assert round_finish(actor=admin, round=rnd).status == "finished"
