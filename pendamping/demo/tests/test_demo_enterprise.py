"""The business demo (`demo_enterprise_ensure`): reports, IKS, grant use, approvals, welfare, partnerships,
complaints and the classification, made deterministically, once, and only as rows the services would accept."""

import datetime as dt
import re
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.models import Assignment, Companion
from pendamping.complaints.models import Complaint
from pendamping.complaints.services import REFERENCE_ALPHABET
from pendamping.demo.enterprise import DemoBusiness, demo_enterprise_ensure
from pendamping.demo.facts import DEMO_TODAY, FIRST_PERIOD, LAST_PERIOD, add_months, month_end
from pendamping.demo.seed import demo_seed
from pendamping.demo.users import demo_users_ensure
from pendamping.enterprise.models import GroupScore, IksEntry, MonthlyReport, PlanItem, Realisation, WelfareRecord
from pendamping.enterprise.scoring import month_span
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.registry.models import Family, Grant, Group, Membership, Tranche

pytestmark = pytest.mark.django_db

FAMILIES = 300
BUSINESS = (
    GroupScore, IksEntry, Realisation, PlanItem, MonthlyReport, WelfareRecord, Activity, Agreement, Partner, Complaint
)  # fmt: skip


def _demo() -> DemoBusiness:
    demo_seed(families=FAMILIES, seed=7)
    demo_users_ensure()
    return demo_enterprise_ensure()


@pytest.fixture
def business(regions: Any) -> DemoBusiness:
    return _demo()


def _wipe() -> None:
    for model in (*BUSINESS, Tranche, Assignment, Companion, Grant, Membership, Group, Family):
        model.objects.all().delete()


def _snapshot() -> dict[str, list[Any]]:
    """Everything the business demo writes, by natural keys (database ids differ from run to run)."""
    by_group = ("group__code",)
    return {
        "reports": list(MonthlyReport.objects.order_by(*by_group, "period").values_list(
            *by_group, "period", "revenue", "operating_costs", "capital_assets", "cash_savings", "members_active",
            "meetings_held", "iks_collected", "problems", "submitted_at", "submitted_by__username")),
        "iks": list(IksEntry.objects.order_by(*by_group, "on", "kind").values_list(
            *by_group, "kind", "on", "amount", "purpose", "recipient")),
        "plans": list(PlanItem.objects.order_by("grant__group__code", "position").values_list(
            "grant__group__code", "description", "unit", "quantity", "unit_price")),
        "purchases": list(Realisation.objects.order_by("grant__group__code", "spent_on", "amount").values_list(
            "grant__group__code", "spent_on", "amount", "description", "receipt_ref")),
        "welfare": list(WelfareRecord.objects.order_by("family__nik", "recorded_on").values_list(
            "family__nik", "kind", "recorded_on", "monthly_income", "welfare_decile")),
        "tranches": list(Tranche.objects.order_by("grant__group__code", "number").values_list(
            "grant__group__code", "number", "status", "disbursed_on", "approved_at", "entered_by__username",
            "approved_by__username")),
        "partners": list(Agreement.objects.order_by("partner__name", "regency", "start_on").values_list(
            "partner__name", "regency", "start_on", "end_on", "value", "document_ref")),
        "covered": sorted(Agreement.groups.through.objects.values_list("agreement__document_ref", "group__code")),
        "activities": list(Activity.objects.order_by("on", "description").values_list("on", "description", "value")),
        "complaints": list(Complaint.objects.order_by("reference").values_list(
            "reference", "regency", "status", "group__code", "complainant_name", "due_on", "created_at")),
        "scores": list(GroupScore.objects.order_by("group__code").values_list(
            "group__code", "score", "level_name", "rank_in_regency", "outstanding")),
    }  # fmt: skip


def test_the_same_registry_gives_the_same_business_data(regions: Any) -> None:
    _demo()
    first = _snapshot()
    assert all(first.values())
    _wipe()
    _demo()
    assert _snapshot() == first


def test_running_it_again_adds_nothing(business: DemoBusiness) -> None:
    assert business.created
    counts = {model: model.objects.count() for model in (*BUSINESS, Tranche)}
    tranches = list(Tranche.objects.order_by("id").values_list("status", "approved_by", "approved_at"))
    again = demo_enterprise_ensure()
    assert not again.created and "exist already" in again.message
    assert {model: model.objects.count() for model in counts} == counts
    assert list(Tranche.objects.order_by("id").values_list("status", "approved_by", "approved_at")) == tranches


def test_most_active_kube_report_monthly_from_their_founding(business: DemoBusiness) -> None:
    active = Group.objects.filter(status=Group.Status.ACTIVE)
    reporting = set(MonthlyReport.objects.values_list("group_id", flat=True))
    assert reporting <= set(active.values_list("id", flat=True))
    assert len(reporting) >= 0.75 * active.count()
    members = dict(Membership.objects.current().values("group_id").annotate(n=Count("id")).values_list("group_id", "n"))
    reports = MonthlyReport.objects.select_related("group").annotate(expected=F("revenue") - F("operating_costs"))
    for r in reports:
        assert r.period.day == 1 and FIRST_PERIOD <= r.period <= LAST_PERIOD and r.period >= r.group.founded_on
        assert r.regency_id == r.group.regency_id and r.profit == r.expected
        assert 0 <= r.members_active <= members[r.group_id] and 0 <= r.meetings_held <= 4
        assert month_end(r.period) < r.submitted_at.date() < DEMO_TODAY
        assert r.revenue < 30_000_000 and r.revenue % 1000 == 0
    assert not MonthlyReport.objects.values("group", "period").annotate(n=Count("id")).filter(n__gt=1).exists()


def _late(report: MonthlyReport) -> bool:
    submitted = report.submitted_at.astimezone(timezone.get_default_timezone()).date()
    return submitted > add_months(report.period, 1).replace(day=10)


def test_reports_show_growth_decline_late_and_missing_months(business: DemoBusiness) -> None:
    by_group: dict[int, list[MonthlyReport]] = defaultdict(list)
    for report in MonthlyReport.objects.select_related("group").order_by("period"):
        by_group[report.group_id].append(report)
    late = sum(_late(r) for reports in by_group.values() for r in reports)
    total = sum(len(reports) for reports in by_group.values())
    assert 0.02 * total < late < 0.25 * total
    growing = [rs for rs in by_group.values() if all(r.profit > 0 for r in rs) and rs[-1].revenue > 1.4 * rs[0].revenue]
    stopped = [rs for rs in by_group.values() if rs[-1].period < add_months(LAST_PERIOD, -2)]
    assert growing and stopped
    assert all(rs[-1].profit < 0 or rs[-1].members_active < rs[0].members_active for rs in stopped)
    assert all(rs[-1].capital_assets > rs[0].capital_assets for rs in growing)
    gaps = [rs for rs in by_group.values() if len(rs) <= month_span(rs[0].period, rs[-1].period)]
    months = [len(rs) for rs in by_group.values() if rs[-1].period == LAST_PERIOD]
    assert gaps and any(n < 24 for n in months) and any(n == 24 for n in months)


def test_each_iks_contribution_is_its_reports_and_no_balance_goes_negative(business: DemoBusiness) -> None:
    contributions = IksEntry.objects.filter(kind=IksEntry.Kind.IN).select_related("report")
    assert contributions.count() == MonthlyReport.objects.filter(iks_collected__gt=0).count()
    for entry in contributions:
        assert entry.report.group_id == entry.group_id and entry.amount == entry.report.iks_collected
        assert entry.on == month_end(entry.report.period)
    names = defaultdict(set)
    for group_id, name in Membership.objects.current().values_list("group_id", "family__head_name"):
        names[group_id].add(name)
    balance: Counter[int] = Counter()
    uses = 0
    for entry in IksEntry.objects.order_by("group_id", "on", "id"):
        balance[entry.group_id] += entry.signed_amount
        assert balance[entry.group_id] >= 0
        if entry.kind == IksEntry.Kind.OUT:
            uses += 1
            assert entry.purpose and entry.recipient in names[entry.group_id] and entry.report_id is None
    assert uses > 0


def test_kube_that_stopped_reporting_had_stopped_paying_iks(business: DemoBusiness) -> None:
    last = MonthlyReport.objects.values("group").annotate(last=Max("period")).values_list("group", "last")
    quiet = [group for group, period in last if period < add_months(LAST_PERIOD, -2)]
    assert quiet
    for group in quiet:
        final = MonthlyReport.objects.filter(group=group).order_by("-period").first()
        assert final is not None and final.iks_collected == 0


def test_reports_are_submitted_by_the_login_of_the_kube_companion(business: DemoBusiness) -> None:
    users = dict(Assignment.objects.filter(ended_on__isnull=True).values_list("group_id", "companion__user__username"))
    submitted = set(MonthlyReport.objects.values_list("group_id", "submitted_by__username"))
    assert all(users.get(group) == username for group, username in submitted)
    assert any(username == "companion" for _group, username in submitted)


def test_plans_and_purchases_stay_within_the_grant_and_the_approved_tranches(business: DemoBusiness) -> None:
    grants = Grant.objects.prefetch_related("plan_items", "realisations__plan_item", "tranches")
    exact = unspent = 0
    for grant in grants:
        items, paid = list(grant.plan_items.all()), [t for t in grant.tranches.all() if t.status == "approved"]
        planned = sum(i.total for i in items)
        spent = sum(r.amount for r in grant.realisations.all())
        assert 3 <= len(items) <= 6 and planned <= grant.amount
        assert spent <= sum(t.amount for t in paid) <= grant.amount
        exact, unspent = exact + (planned == grant.amount), unspent + (spent < grant.amount)
        for r in grant.realisations.all():
            assert r.plan_item.grant_id == grant.pk and min(t.disbursed_on for t in paid) < r.spent_on <= DEMO_TODAY
            assert re.fullmatch(r"(NOTA|KW|INV)/20\d\d/\d{4}", r.receipt_ref)
    assert exact > 0.5 * grants.count() and unspent > 0


def test_tranches_are_approved_by_a_second_person_and_one_or_two_wait(business: DemoBusiness) -> None:
    officer, admin = User.objects.get(username="officer"), User.objects.get(username="admin")
    approved = Tranche.objects.filter(status=Tranche.Status.APPROVED)
    assert approved.count() == approved.filter(entered_by=officer, approved_by=admin).count() > 0
    assert not approved.filter(approved_at__isnull=True).exists()
    assert all(t.approved_at.date() < t.disbursed_on for t in approved)
    pending = Tranche.objects.filter(status=Tranche.Status.PENDING).select_related("grant__group")
    assert 1 <= len(pending) <= 2
    for tranche in pending:
        assert tranche.entered_by == officer and tranche.approved_by is None and tranche.approved_at is None
        assert tranche.grant.group.regency_id in officer.regency_codes and tranche.disbursed_on <= DEMO_TODAY
    paid = Tranche.objects.values("grant").annotate(t=Sum("amount"), cap=F("grant__amount"))
    assert all(row["t"] <= row["cap"] for row in paid)


def test_every_member_has_a_joining_record_and_current_members_are_followed_up(business: DemoBusiness) -> None:
    joining = set(WelfareRecord.objects.filter(kind="joining").values_list("family_id", "recorded_on"))
    assert joining == set(Membership.objects.values_list("family_id", "joined_on"))
    updates = Counter(WelfareRecord.objects.filter(kind="update").values_list("family_id", flat=True))
    current = set(Membership.objects.current().values_list("family_id", flat=True))
    assert set(updates) == current and set(updates.values()) <= {1, 2, 3}
    first = dict(WelfareRecord.objects.filter(kind="joining").values_list("family_id", "recorded_on"))
    assert all(
        d > first[f] for f, d in WelfareRecord.objects.filter(kind="update").values_list("family_id", "recorded_on")
    )


def test_members_of_maju_kube_improved_more_than_members_of_tumbuh_kube(business: DemoBusiness) -> None:
    change = {
        s.group_id: next(d["value"] for d in s.details if d["rule"] == "income_change")
        for s in GroupScore.objects.all()
    }
    levels = dict(GroupScore.objects.values_list("group_id", "level_position"))
    maju = [change[g] for g, level in levels.items() if level == 3 and change[g] is not None]
    tumbuh = [change[g] for g, level in levels.items() if level == 1 and change[g] is not None]
    assert maju and tumbuh and sum(maju) / len(maju) > 20 > sum(tumbuh) / len(tumbuh)


def test_partners_of_three_kinds_cover_active_kube_of_their_regency(business: DemoBusiness) -> None:
    assert Counter(Partner.objects.values_list("type", flat=True)).keys() == {"government", "private", "community"}
    assert Partner.objects.get(name="Bank Jatim").regency is None
    agreements = Agreement.objects.prefetch_related("groups", "activities")
    ended = [a for a in agreements if a.end_on < DEMO_TODAY]
    assert 0 < len(ended) < len(agreements) / 2
    for agreement in agreements:
        assert agreement.start_on <= agreement.end_on and agreement.scopes()
        assert re.fullmatch(r"PKS/\d{3}/20\d\d", agreement.document_ref)
        groups = list(agreement.groups.all())
        assert groups and all(g.regency_id == agreement.regency_id and g.status == "active" for g in groups)
        assert 2 <= len(agreement.activities.all()) <= 4
        for activity in agreement.activities.all():
            assert agreement.start_on <= activity.on <= min(agreement.end_on, DEMO_TODAY)
            assert activity.group is None or activity.group in groups


def test_complaints_have_references_closed_ones_a_resolution_and_one_is_overdue(
    business: DemoBusiness, settings: Any
) -> None:
    complaints = list(Complaint.objects.all())
    assert len(complaints) >= 5 and len({c.regency_id for c in complaints}) >= 4
    for c in complaints:
        assert re.fullmatch(f"ADU-[{REFERENCE_ALPHABET}]{{8}}", c.reference)
        assert not c.anonymous or (c.complainant_name == c.complainant_contact == "")
        assert (c.status in Complaint.OPEN) == (c.closed_on is None) == (c.resolution == "")
        assert (c.status == "new") == (c.assigned_to_id is None)
        due = dt.timedelta(days=settings.PENDAMPING["COMPLAINT_DUE_DAYS"])
        assert c.created_at.date() <= DEMO_TODAY and c.due_on == c.created_at.date() + due
    assert sum(c.is_overdue(DEMO_TODAY) for c in complaints) == 1
    assert {c.channel for c in complaints} == {"public", "officer"} and any(c.anonymous for c in complaints)


def test_the_demo_has_outstanding_kube_in_several_regencies_and_every_level(business: DemoBusiness) -> None:
    scores = GroupScore.objects.all()
    assert set(scores.values_list("level_name", flat=True)) == {"tumbuh", "berkembang", "maju"}
    outstanding = scores.filter(outstanding=True)
    assert len(set(outstanding.values_list("regency_id", flat=True))) >= 2
    assert all(s.level_name == "maju" and s.months_reported >= 12 for s in outstanding)


def test_the_demo_command_adds_the_business_data_once(regions: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR, settings.STATIC_ROOT = tmp_path, tmp_path / "static"
    out = StringIO()
    call_command("demo", "--no-serve", "--families", "200", stdout=out)
    reports = MonthlyReport.objects.count()
    call_command("demo", "--no-serve", "--families", "200", stdout=out)
    assert reports > 0 and MonthlyReport.objects.count() == reports
    assert out.getvalue().count("Demo business data") == 1 and "exist already" in out.getvalue()
