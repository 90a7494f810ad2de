"""Internship services: a round's trainees (a completed briefing) and hosts (outstanding KUBE), the proposed
matching (optimal, or refused with what to do when infeasible), swaps and moves within capacity, confirmation
(trainee -> intern), the logbook, the assessments (1-4) and completion (intern -> active), each audited.

Cast: the admin runs the rounds; the Surabaya officer assesses Surabaya's trainees; `companion_user` is a
trainee's own login."""

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.matching import match
from pendamping.companions.models import Briefing, Companion, InternshipRound, Participant, Placement
from pendamping.companions.selectors.internship import feasibility, matching_facts, trainee_facts
from pendamping.companions.services.internship import (
    round_add_hosts,
    round_add_trainees,
    round_confirm,
    round_create,
    round_propose,
    round_remove_hosts,
    round_remove_trainees,
)
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.services.classification import rubric_ensure_default
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
START, END = dt.date(2024, 7, 1), dt.date(2024, 8, 31)
OTHER_KECAMATAN = "35.78.05.1001"  # Kota Surabaya, another kecamatan
GOOD = {"attendance": 4, "uep": 3, "communication": 3, "initiative": 4, "bookkeeping": 3}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    if field is None:
        return " ".join(caught.value.messages)
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


# --- builders (also used by the page and API tests) -----------------------------------------------------------


def finished_briefing(title: str = "Pembekalan 2024") -> Briefing:
    return Briefing.objects.create(
        title=title, starts_on=dt.date(2024, 5, 6), ends_on=dt.date(2024, 5, 10), status=Briefing.Status.FINISHED
    )


def trainee(
    name: str = "Sri Wahyuni",
    *,
    desa: str = SURABAYA_VILLAGE,
    briefing: Briefing | None = None,
    completed: bool = True,
    status: str = Companion.Status.TRAINEE,
    user: User | None = None,
) -> Companion:
    companion = CompanionFactory(home_desa=village(desa), name=name, status=status, user=user)
    batch = briefing or Briefing.objects.filter(status=Briefing.Status.FINISHED).first() or finished_briefing()
    Participant.objects.create(briefing=batch, companion=companion, completed=completed)
    return companion


def outstanding_kube(name: str, *, desa: str = SURABAYA_VILLAGE, sector: str = "trade", score: int = 80) -> Group:
    """An outstanding KUBE with its companion (so it is not one awaiting a companion, whose sector would count)."""
    group = GroupFactory(desa=village(desa), name=name, status=Group.Status.ACTIVE, sector=sector)
    AssignmentFactory(group=group)
    GroupScore.objects.create(
        group=group,
        regency_id=group.regency_id,
        rubric=rubric_ensure_default(),
        score=Decimal(score),
        level_position=3,
        level_name="maju",
        rank_in_regency=1,
        outstanding=True,
        computed_at=timezone.now(),
    )
    return group


def draft_round(admin: User, *, capacity: int = 2) -> InternshipRound:
    return round_create(actor=admin, title="Magang 2024", starts_on=START, ends_on=END, default_capacity=capacity)


def running_placement(admin: User, *, user: User | None = None, desa: str = SURABAYA_VILLAGE) -> Placement:
    """A confirmed round with one intern at one host."""
    rnd = draft_round(admin)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Intan Permata", desa=desa, user=user)])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Sumber Rejeki", desa=desa)])
    round_propose(actor=admin, round=rnd)
    round_confirm(actor=admin, round=rnd)
    return Placement.objects.get(round=rnd)


def proposed_round(admin: User) -> InternshipRound:
    """Ani and Budi proposed at KUBE A and KUBE B, one slot each, and KUBE C added since, with one free slot."""
    rnd = draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi", desa=OTHER_KECAMATAN)])
    groups = [outstanding_kube("KUBE A"), outstanding_kube("KUBE B", desa=OTHER_KECAMATAN)]
    round_add_hosts(actor=admin, round=rnd, groups=groups)
    round_propose(actor=admin, round=rnd)
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE C")])
    return rnd


@pytest.fixture
def proposed(admin: User) -> InternshipRound:
    return proposed_round(admin)


def status_changes(companion: Companion) -> list[list[str]]:
    entries = AuditEntry.objects.filter(object_id=str(companion.pk), content_type__model="companion").order_by("pk")
    return [e.changes["status"] for e in entries if "status" in e.changes]


# --- rounds, trainees and hosts ---------------------------------------------------------------------------------


def test_a_round_is_created_by_the_admin_and_audited(admin: User) -> None:
    rnd = draft_round(admin, capacity=3)
    assert (rnd.status, rnd.default_capacity, rnd.created_by) == ("draft", 3, admin)
    assert AuditEntry.objects.filter(action="create", object_id=str(rnd.pk), content_type__model="internshipround")


def test_a_round_that_ends_before_it_starts_or_hosts_too_many_is_refused(admin: User, surabaya_officer: User) -> None:
    assert "ends before" in refusal(
        lambda: round_create(actor=admin, title="X", starts_on=END, ends_on=START), "ends_on"
    )
    text = refusal(lambda: round_create(actor=admin, title="X", starts_on=START, ends_on=END, default_capacity=11))
    assert "1 to 10" in text
    with pytest.raises(PermissionDenied):
        round_create(actor=surabaya_officer, title="X", starts_on=START, ends_on=END)
    assert not InternshipRound.objects.exists()


def test_trainees_who_completed_a_briefing_join_the_round(admin: User) -> None:
    rnd = draft_round(admin)
    people = [trainee("Ani"), trainee("Budi")]
    placements = round_add_trainees(actor=admin, round=rnd, companions=people)
    assert {p.companion for p in placements} == set(people)
    assert all(p.host is None and p.status == "proposed" for p in placements)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: trainee("Citra", completed=False), "Citra has not completed a briefing batch."),
        (lambda: trainee("Citra", status=Companion.Status.CANDIDATE), "Citra is not a trainee (status: candidate)."),
        (lambda: trainee("Citra", briefing=Briefing.objects.create(title="B", starts_on=START, ends_on=START)),
         "Citra has not completed a briefing batch."),  # completed in a batch that is not finished
    ],
)  # fmt: skip
def test_a_trainee_without_a_completed_briefing_is_refused_by_name_and_nothing_is_added(
    admin: User, build: Callable[[], Companion], message: str
) -> None:
    rnd, ok, bad = draft_round(admin), trainee("Ani"), build()
    assert refusal(lambda: round_add_trainees(actor=admin, round=rnd, companions=[ok, bad]), "companions") == message
    assert not rnd.placements.exists()


def test_a_trainee_is_in_one_unfinished_round_at_a_time(admin: User) -> None:
    first, second, person = draft_round(admin), draft_round(admin), trainee("Dewi")
    round_add_trainees(actor=admin, round=first, companions=[person])
    assert "already in this round" in refusal(lambda: round_add_trainees(actor=admin, round=first, companions=[person]))
    text = refusal(lambda: round_add_trainees(actor=admin, round=second, companions=[person]))
    assert text == "Dewi is already in the round “Magang 2024”."


def test_trainees_can_be_taken_out_of_a_draft_round(admin: User) -> None:
    rnd, person = draft_round(admin), trainee("Eka")
    round_add_trainees(actor=admin, round=rnd, companions=[person])
    assert round_remove_trainees(actor=admin, round=rnd, companions=[person]) == 1
    assert not rnd.placements.exists()


def test_hosts_must_be_outstanding_and_active(admin: User) -> None:
    rnd = draft_round(admin)
    plain = GroupFactory(name="KUBE Biasa", status=Group.Status.ACTIVE)
    text = refusal(lambda: round_add_hosts(actor=admin, round=rnd, groups=[plain]), "groups")
    assert text == "KUBE Biasa is not an outstanding KUBE."
    stopped = outstanding_kube("KUBE Berhenti")
    Group.objects.filter(pk=stopped.pk).update(status=Group.Status.INACTIVE)
    stopped.refresh_from_db()
    assert "KUBE Berhenti is not an active KUBE." in refusal(
        lambda: round_add_hosts(actor=admin, round=rnd, groups=[stopped])
    )
    assert not rnd.hosts.exists()


def test_hosts_take_the_round_default_capacity_or_their_own(admin: User) -> None:
    rnd, a, b = draft_round(admin, capacity=2), outstanding_kube("KUBE A"), outstanding_kube("KUBE B")
    round_add_hosts(actor=admin, round=rnd, groups=[a])
    round_add_hosts(actor=admin, round=rnd, groups=[b], capacity=4)
    assert dict(rnd.hosts.values_list("group__name", "capacity")) == {"KUBE A": 2, "KUBE B": 4}
    round_add_hosts(actor=admin, round=rnd, groups=[a], capacity=3)  # a KUBE already hosting: a new capacity
    assert rnd.hosts.get(group=a).capacity == 3 and rnd.hosts.count() == 2


def test_a_host_capacity_cannot_fall_below_its_placed_trainees(admin: User) -> None:
    rnd, host = draft_round(admin), outstanding_kube("KUBE A")
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi")])
    round_add_hosts(actor=admin, round=rnd, groups=[host])
    round_propose(actor=admin, round=rnd)
    text = refusal(lambda: round_add_hosts(actor=admin, round=rnd, groups=[host], capacity=1), "capacity")
    assert text == "KUBE A already has 2 trainees placed; its capacity cannot be lower."


def test_removing_a_host_leaves_its_trainees_unplaced(admin: User) -> None:
    rnd, host = draft_round(admin), outstanding_kube("KUBE A")
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani")])
    round_add_hosts(actor=admin, round=rnd, groups=[host])
    round_propose(actor=admin, round=rnd)
    round_remove_hosts(actor=admin, round=rnd, groups=[host])
    placement = rnd.placements.get()
    assert (placement.host, placement.score, placement.reasons) == (None, None, [])


# --- the matching -----------------------------------------------------------------------------------------------


def test_proposing_writes_the_optimal_matching_with_scores_and_reasons(admin: User) -> None:
    rnd = draft_round(admin, capacity=1)
    near, far = (
        outstanding_kube("KUBE Dekat", sector="crafts", score=60),
        outstanding_kube("KUBE Jauh", desa=OTHER_KECAMATAN, sector="trade", score=90),
    )
    people = [trainee("Ani"), trainee("Budi", desa=OTHER_KECAMATAN)]
    round_add_trainees(actor=admin, round=rnd, companions=people)
    round_add_hosts(actor=admin, round=rnd, groups=[near, far])
    result = round_propose(actor=admin, round=rnd)
    placed = {p.companion.name: p for p in rnd.placements.select_related("host__group")}
    assert {name: p.host.group.name for name, p in placed.items()} == {"Ani": "KUBE Dekat", "Budi": "KUBE Jauh"}
    # Ani at home in Karang Pilang: same kecamatan 50, host score 60 -> 12; Budi likewise with 90 -> 18.
    assert placed["Ani"].score == Decimal("62.00") and placed["Budi"].score == Decimal("68.00")
    assert [r["code"] for r in placed["Ani"].reasons] == ["same_kecamatan", "sector_unknown", "host_score"]
    assert result.total == 130.0 and result.feasible


def test_the_written_matching_is_the_pure_optimum(admin: User) -> None:
    rnd = draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee(f"T{i}", desa=d) for i, d in enumerate(
        [SURABAYA_VILLAGE, OTHER_KECAMATAN, MALANG_VILLAGE])])  # fmt: skip
    groups = [outstanding_kube("K1", score=70), outstanding_kube("K2", desa=MALANG_VILLAGE, score=40)]
    groups.append(outstanding_kube("K3", desa=OTHER_KECAMATAN, score=10))
    round_add_hosts(actor=admin, round=rnd, groups=groups)
    _placements, _hosts, trainees, sites = matching_facts(round=rnd)
    expected = match(trainees, sites)
    round_propose(actor=admin, round=rnd)
    assert dict(rnd.placements.values_list("pk", "host")) == expected.pairs
    assert sum(p.score for p in rnd.placements.all()) == pytest.approx(Decimal(str(expected.total)))


def test_a_trainee_is_headed_for_the_sectors_of_their_kube_or_of_those_awaiting_a_companion(admin: User) -> None:
    rnd, waiting = draft_round(admin), GroupFactory(sector="livestock")  # forming, no companion: awaiting one
    fresh, assigned = trainee("Ani"), trainee("Budi")
    AssignmentFactory(companion=assigned, group=GroupFactory(sector="crafts"))
    GroupFactory(sector="fisheries", status=Group.Status.INACTIVE)  # stopped: no companion will come
    round_add_trainees(actor=admin, round=rnd, companions=[fresh, assigned])
    facts = {f.key: f for f in trainee_facts(list(rnd.placements.select_related("companion")))}
    by_name = {p.companion.name: facts[p.pk] for p in rnd.placements.select_related("companion")}
    assert (by_name["Budi"].sectors, by_name["Budi"].sectors_from) == ({"crafts"}, "assignments")
    assert (by_name["Ani"].sectors, by_name["Ani"].sectors_from) == ({waiting.sector}, "awaiting")


def test_an_infeasible_round_says_how_many_cannot_be_placed_and_which_kube_to_add(admin: User) -> None:
    rnd = draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi"), trainee("Citra")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Tuan Rumah")])
    outstanding_kube("KUBE Cadangan")
    text = refusal(lambda: round_propose(actor=admin, round=rnd))
    assert text.startswith("2 of 3 trainees cannot be placed: there is only 1 host slot. Add 2 slots")
    assert "KUBE that would suit: KUBE Cadangan." in text
    assert not rnd.placements.filter(host__isnull=False).exists()
    f = feasibility(round=rnd)
    assert (f.trainees, f.slots, f.shortfall, [g.name for g in f.suggestions]) == (3, 1, 2, ["KUBE Cadangan"])


def test_an_infeasible_round_can_take_the_best_partial_matching(admin: User) -> None:
    rnd = draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi", desa=MALANG_VILLAGE)])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Tuan Rumah")])
    result = round_propose(actor=admin, round=rnd, partial=True)
    assert result.shortfall == 1
    assert dict(rnd.placements.values_list("companion__name", "host__group__name")) == {
        "Ani": "KUBE Tuan Rumah",
        "Budi": None,
    }
    assert "without one: Budi" in refusal(lambda: round_confirm(actor=admin, round=rnd))


def test_an_empty_round_cannot_be_proposed(admin: User) -> None:
    rnd = draft_round(admin)
    assert refusal(lambda: round_propose(actor=admin, round=rnd)) == "Add trainees to the round first."
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani")])
    assert refusal(lambda: round_propose(actor=admin, round=rnd)) == "Add host KUBE to the round first."


# --- confirmation: trainee -> intern ----------------------------------------------------------------------------


def test_confirming_makes_every_trainee_an_intern_audited(admin: User, proposed: InternshipRound) -> None:
    round_confirm(actor=admin, round=proposed, version=InternshipRound.objects.get(pk=proposed.pk).version)
    proposed.refresh_from_db()
    assert proposed.status == "confirmed"
    for placement in proposed.placements.select_related("companion"):
        assert (placement.status, placement.companion.status) == ("confirmed", "intern")
        assert status_changes(placement.companion) == [["trainee", "intern"]]
    assert "only a draft round" in refusal(
        lambda: round_add_trainees(actor=admin, round=proposed, companions=[trainee()])
    )


def test_confirming_a_round_that_changed_since_it_was_read_is_refused(admin: User, proposed: InternshipRound) -> None:
    with pytest.raises(StaleRecord):
        round_confirm(actor=admin, round=proposed, version=1)
    assert InternshipRound.objects.get(pk=proposed.pk).status == "draft"


def test_a_companion_no_longer_a_trainee_stops_the_confirmation(admin: User, proposed: InternshipRound) -> None:
    Companion.objects.filter(name="Budi").update(status=Companion.Status.ACTIVE)
    assert "Budi is active now, not trainee (briefing)" in refusal(lambda: round_confirm(actor=admin, round=proposed))
    assert Companion.objects.get(name="Ani").status == "trainee"  # nothing changed
