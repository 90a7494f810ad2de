"""The companion model's demo (`demo_companion_model_ensure`): a decided call, a finished briefing, an internship
round, assignments, visits and four quarters of appraisals, made deterministically, once, through the services.

The demo is built once for the module (it takes seconds); each test runs in a savepoint of that build."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Q

from pendamping.accounts.models import User
from pendamping.companions.models import (
    Application,
    ApplicationScore,
    Appraisal,
    Assessment,
    Assignment,
    Attendance,
    Briefing,
    BudgetLine,
    Call,
    CallQuota,
    Companion,
    Criterion,
    Equipment,
    FollowUp,
    Host,
    Instructor,
    InternshipRound,
    LogEntry,
    Module,
    Participant,
    Placement,
    Rating,
    Session,
    Visit,
)
from pendamping.companions.selectors.appraisal import performing_well_share
from pendamping.complaints.models import Complaint
from pendamping.demo import people
from pendamping.demo.companion_model import DemoCompanionModel, demo_companion_model_ensure
from pendamping.demo.enterprise import demo_enterprise_ensure
from pendamping.demo.facts import DEMO_TODAY, FIRST_PERIOD
from pendamping.demo.model_common import REBALANCED_ON
from pendamping.demo.profiles import QUARTERS
from pendamping.demo.seed import demo_seed
from pendamping.demo.users import demo_users_ensure
from pendamping.enterprise.models import GroupScore, IksEntry, MonthlyReport, PlanItem, Realisation, WelfareRecord
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.registry.models import Family, Grant, Group, Membership, Tranche

pytestmark = pytest.mark.django_db

FAMILIES = 800  # ten companions: enough for the shares of four quarters to rise step by step
WEEKS = 8  # of the internship: a logbook entry at least every week
MODEL = (
    FollowUp, Visit, Rating, Appraisal, Assessment, LogEntry, Placement, Host, InternshipRound, Attendance,
    Participant, Session, Module, BudgetLine, Equipment, Briefing, Instructor, ApplicationScore, Application,
    Criterion, CallQuota, Call,
)  # fmt: skip
REGISTRY = (
    GroupScore, IksEntry, Realisation, PlanItem, MonthlyReport, WelfareRecord, Activity, Agreement, Partner, Complaint,
    Tranche, Assignment, Companion, Grant, Membership, Group, Family,
)  # fmt: skip


def _extras() -> None:
    """Two active companions who never had a KUBE, as the evaluation study adds to a small registry."""
    busiest = (
        Assignment.objects.current()
        .values("group__regency_id")
        .annotate(n=Count("id"))
        .order_by("-n", "group__regency_id")
    )
    regency = busiest[0]["group__regency_id"]
    desa = Group.objects.filter(regency_id=regency).order_by("code").values_list("desa_id", flat=True)[0]
    for serial in (9501, 9502):
        born = dt.date(1990, 5, serial % 28)
        Companion.objects.create(
            nik=people.nik_for(desa.replace(".", "")[:6], "M", born, serial), name=f"Pendamping {serial}", sex="M",
            birth_date=born, education="s1", home_desa_id=desa, regency_id=regency, status=Companion.Status.ACTIVE,
        )  # fmt: skip


def _demo() -> DemoCompanionModel:
    demo_seed(families=FAMILIES, seed=7)
    demo_users_ensure()
    demo_enterprise_ensure()
    _extras()
    return demo_companion_model_ensure()


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoCompanionModel]:
    """One build for the module, rolled back at its end (the tests' own transactions are savepoints in it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _demo()
        transaction.set_rollback(True)


def _snapshot() -> dict[str, list[Any]]:
    """What the demo writes, by natural keys (ids and the random application references differ between runs)."""
    return {
        "applications": list(Application.objects.order_by("nik").values_list(
            "nik", "regency", "channel", "status", "score", "rank", "decision_reason", "created_at")),
        "participants": list(Participant.objects.order_by("companion__nik").values_list(
            "companion__nik", "pre_score", "post_score", "completed")),
        "attendance": sorted(Attendance.objects.values_list("participant__companion__nik", "session__on",
                                                            "session__starts_at", "present")),
        "placements": list(Placement.objects.order_by("companion__nik").values_list(
            "companion__nik", "host__group__code", "score", "status")),
        "assessments": sorted(Assessment.objects.values_list("placement__companion__nik", "by", "total")),
        "logbook": sorted(LogEntry.objects.values_list("placement__companion__nik", "on", "activity")),
        "assignments": sorted(Assignment.objects.values_list("companion__nik", "group__code", "started_on",
                                                             "ended_on")),
        "visits": sorted(Visit.objects.values_list("companion__nik", "group__code", "on", "as_resource",
                                                   "as_motivator", "as_facilitator", "members_present", "problems")),
        "follow_ups": sorted(FollowUp.objects.values_list("visit__companion__nik", "visit__on", "action", "due_on",
                                                          "done_on")),
        "appraisals": sorted(Appraisal.objects.values_list("companion__nik", "period", "score", "performing_well")),
    }  # fmt: skip


def test_the_same_registry_gives_the_same_companion_model(built: DemoCompanionModel) -> None:
    first = _snapshot()
    assert all(first.values())
    for model in (*MODEL, *REGISTRY):
        model.objects.all().delete()
    _demo()
    assert _snapshot() == first


def test_running_it_again_adds_nothing(built: DemoCompanionModel) -> None:
    assert built.created
    counts = {model: model.objects.count() for model in (*MODEL, Companion, Assignment)}
    again = demo_companion_model_ensure()
    assert not again.created and "exist already" in again.message
    assert {model: model.objects.count() for model in counts} == counts


def test_the_call_is_decided_with_ranks_within_quotas_and_reasons(built: DemoCompanionModel) -> None:
    call = Call.objects.get()
    assert call.status == Call.Status.DECIDED and call.opens_on < call.closes_on < DEMO_TODAY
    applications = list(call.applications.select_related("companion"))
    assert 30 <= len(applications) <= 40
    assert {a.channel for a in applications} == set(Application.Channel.values)
    assert {a.status for a in applications} == {"accepted", "waiting", "rejected"}
    for a in applications:
        assert a.decision_reason and a.rank and a.score is not None and a.decided_at is not None
        assert call.opens_on <= a.created_at.date() <= call.closes_on < a.decided_at.date()
        assert a.scores.count() == call.criteria.count() == 6
        assert (a.status == "accepted") == (a.companion is not None)
    for quota in call.quotas.all():
        mine = sorted((a for a in applications if a.regency_id == quota.regency_id), key=lambda a: a.rank or 0)
        accepted = [a for a in mine if a.status == "accepted"]
        assert len(accepted) <= quota.quota and accepted == mine[: len(accepted)]
    assert not Companion.objects.filter(status=Companion.Status.CANDIDATE).exists()  # all went on to the briefing


def test_the_briefing_is_finished_over_the_seven_elements_with_a_clear_gain(built: DemoCompanionModel) -> None:
    briefing = Briefing.objects.get()
    assert briefing.status == Briefing.Status.FINISHED and briefing.venue and briefing.venue_capacity
    assert 5 <= briefing.modules.count() <= 7 and briefing.budget_lines.filter(actual__isnull=False).exists()
    assert briefing.equipment.count() >= 5 and Instructor.objects.count() == 4
    sessions = list(briefing.sessions.prefetch_related("instructors"))
    assert len({s.on for s in sessions}) == 5 and all(s.instructors.all() for s in sessions)
    for module in briefing.modules.all():
        assert sum(s.hours for s in sessions if s.module_id == module.pk) == module.hours
    people = list(briefing.participants.select_related("companion"))
    accepted = set(Application.objects.filter(status="accepted").values_list("companion_id", flat=True))
    assert accepted <= {p.companion_id for p in people}
    assert 1 <= sum(not p.completed for p in people) <= 2 and sum(p.completed for p in people) >= len(people) - 2
    gains = [float(p.post_score - p.pre_score) for p in people if p.pre_score is not None and p.post_score is not None]
    assert len(gains) == len(people) and sum(gains) / len(gains) > 10
    assert Attendance.objects.filter(session__briefing=briefing).count() == len(sessions) * len(people)


def test_the_round_places_every_trainee_at_an_outstanding_kube_within_capacity(built: DemoCompanionModel) -> None:
    rnd = InternshipRound.objects.get()
    assert rnd.status == InternshipRound.Status.FINISHED
    placements = list(rnd.placements.select_related("companion", "host__group__score"))
    completed = set(Participant.objects.filter(completed=True).values_list("companion_id", flat=True))
    assert placements and all(p.companion_id in completed for p in placements)
    for p in placements:
        assert p.host is not None and p.host.group.score.outstanding and p.score is not None and p.reasons
        assert p.logbook.count() >= WEEKS and set(p.assessments.values_list("by", flat=True)) == {"ketua", "officer"}
        assert all(rnd.starts_on <= on <= rnd.ends_on for on in p.logbook.values_list("on", flat=True))
        expected = Companion.Status.ACTIVE if p.status == "completed" else Companion.Status.TRAINEE
        assert p.status in ("completed", "failed") and p.companion.status == expected
    assert all(h.placements.count() <= h.capacity for h in rnd.hosts.all())
    assert Counter(p.status for p in placements)["failed"] <= 1


def test_assignments_keep_caseloads_and_one_companion_per_kube(built: DemoCompanionModel) -> None:
    current = Assignment.objects.current()
    assert not current.values("group").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert max(current.values("companion").annotate(n=Count("id")).values_list("n", flat=True)) <= 10
    for a in current.select_related("group", "companion"):
        assert a.group.regency_id == a.companion.regency_id and a.companion.status == Companion.Status.ACTIVE
    new = Placement.objects.filter(status="completed").values_list("companion_id", flat=True)
    starts = Assignment.objects.filter(companion_id__in=new).values_list("started_on", flat=True)
    assert starts and all(day >= InternshipRound.objects.get().ends_on for day in starts)
    handed = Assignment.objects.filter(ended_on__isnull=False)
    assert handed.exists() and all(a.end_reason for a in handed)


def test_companions_who_never_had_a_kube_got_theirs_in_a_rebalancing(built: DemoCompanionModel) -> None:
    extras = Companion.objects.filter(name__startswith="Pendamping 95")
    assert extras.count() == 2
    for companion in extras:
        mine = companion.assignments.all()
        assert mine and all(a.started_on == REBALANCED_ON for a in mine)
        for a in mine:
            before = Assignment.objects.get(group=a.group, ended_on=REBALANCED_ON)
            assert before.companion_id != companion.pk and before.end_reason
        assert companion.visits.exists() and companion.appraisals.count() == 4


def test_visits_fall_within_assignments_and_never_in_the_future(built: DemoCompanionModel) -> None:
    stints = defaultdict(list)
    for a in Assignment.objects.all():
        stints[(a.companion_id, a.group_id)].append((a.started_on, a.ended_on))
    members = dict(
        Group.objects.annotate(n=Count("memberships", filter=Q(memberships__left_on=None))).values_list("pk", "n")
    )
    visits = list(Visit.objects.select_related("group"))
    assert len({v.companion_id for v in visits}) == Companion.objects.filter(visits__isnull=False).distinct().count()
    for v in visits:
        assert any(start <= v.on and (end is None or v.on < end) for start, end in stints[(v.companion_id, v.group_id)])
        assert FIRST_PERIOD <= v.on < dt.date(2026, 11, 1) and v.created_at.date() >= v.on
        assert v.regency_id == v.group.regency_id and v.client_key is None and v.roles()
        assert 0 <= v.members_present <= members[v.group_id] and set(v.topics) <= set(Visit.Topic.values)
    months = Counter((v.companion_id, v.on.replace(day=1)) for v in visits)
    assert max(months.values()) >= 2 and len({on.replace(day=1) for _c, on in months}) == 24


def test_follow_ups_are_mostly_done_and_a_few_are_overdue(built: DemoCompanionModel) -> None:
    follow_ups = list(FollowUp.objects.select_related("visit"))
    assert follow_ups
    for f in follow_ups:
        assert f.due_on >= f.visit.on and (f.done_on is None or f.visit.on <= f.done_on <= DEMO_TODAY)
    open_ = [f for f in follow_ups if f.done_on is None]
    overdue = [f for f in open_ if f.due_on < DEMO_TODAY]
    assert overdue and len(open_) < 0.1 * len(follow_ups)
    assert any(f.done_on and f.done_on > f.due_on for f in follow_ups)


def test_four_quarters_of_final_appraisals_with_a_rising_share(built: DemoCompanionModel) -> None:
    appraisals = Appraisal.objects.all()
    assert set(appraisals.values_list("period", flat=True)) == set(QUARTERS)
    assert not appraisals.exclude(status=Appraisal.Status.FINAL).exists()
    assert all(a.ratings.count() == 7 and a.score is not None for a in appraisals)
    admin = User.objects.get(username="admin")
    shares = [performing_well_share(user=admin, period=q).total.share for q in QUARTERS]
    assert all(s is not None for s in shares)
    assert shares == sorted(shares) and len(set(shares)) == 4, shares
    assert shares[0] is not None and shares[-1] is not None and shares[0] <= 30 and shares[-1] >= 55
    new = set(Placement.objects.filter(status="completed").values_list("companion_id", flat=True))
    assert not appraisals.filter(companion_id__in=new, period__lt=QUARTERS[-1]).exists()
