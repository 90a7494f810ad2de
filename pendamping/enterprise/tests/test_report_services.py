"""report_submit / report_update / period_lock / period_unlock: one report per KUBE and month, whole rupiah as
people type them, months that have begun and follow the founding, members within the KUBE, locked months,
optimistic locking, the report's IKS line, scope by role, audit and rescoring."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.enterprise.models import IksEntry, MonthlyReport
from pendamping.enterprise.selectors.ledger import iks_balance
from pendamping.enterprise.selectors.reports import add_months, this_month
from pendamping.enterprise.services import reports as services
from pendamping.enterprise.services.reports import report_submit, report_update
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, MembershipFactory, kube_with_members, village

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    """Run a call that must be refused; return the messages (of `field`, if given) as one string."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert hasattr(error, "error_dict"), f"expected an error on {field!r}, got {error.messages}"
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])


@pytest.fixture
def group() -> Group:
    """An active Surabaya KUBE of six, founded January 2023."""
    return kube_with_members(6, name="KUBE Sumber Rejeki")


@pytest.fixture
def rescored(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(services, "rescore_later", lambda *, group_id: calls.append(group_id))
    return calls


def submit(actor: Any, group: Group, **fields: Any) -> MonthlyReport:
    data: dict[str, Any] = {
        "period": "2025-03",
        "revenue": "5.000.000",
        "operating_costs": "3.250.000",
        "capital_assets": "20.000.000",
        "cash_savings": "1.000.000",
        "members_active": 6,
        "meetings_held": 2,
    }
    return report_submit(actor=actor, group=group, **{**data, **fields})


def update(actor: Any, report: MonthlyReport, **fields: Any) -> MonthlyReport:
    return report_update(actor=actor, report=report, version=fields.pop("version", report.version), **fields)


# --- submitting ------------------------------------------------------------------------------------------


def test_a_report_stores_its_figures_and_the_database_works_out_the_profit(
    surabaya_officer: User, group: Group
) -> None:
    report = submit(surabaya_officer, group, problems="  Harga pakan naik ")

    stored = MonthlyReport.objects.get(pk=report.pk)
    assert (stored.period, stored.regency_id, stored.version) == (MARCH, "35.78", 1)
    assert (stored.revenue, stored.operating_costs, stored.profit, report.profit) == (
        5_000_000,
        3_250_000,
        1_750_000,
        1_750_000,
    )
    assert (stored.capital_assets, stored.cash_savings, stored.members_active, stored.meetings_held) == (
        20_000_000,
        1_000_000,
        6,
        2,
    )
    assert stored.problems == "Harga pakan naik" and stored.submitted_by == surabaya_officer
    assert stored.submitted_at is not None


def test_costs_typed_with_separators_are_read_as_rupiah(admin: User, group: Group) -> None:
    report = submit(admin, group, operating_costs="Rp 1.250.000", revenue="Rp. 2.000.000,-")

    assert (report.operating_costs, report.revenue, report.profit) == (1_250_000, 2_000_000, 750_000)


def test_a_loss_is_a_negative_profit(admin: User, group: Group) -> None:
    report = submit(admin, group, revenue="1.000.000", operating_costs="1.400.000")

    assert MonthlyReport.objects.get(pk=report.pk).profit == -400_000


@pytest.mark.parametrize("field", ["revenue", "operating_costs", "capital_assets", "cash_savings", "iks_collected"])
def test_a_negative_amount_is_refused_naming_the_field(admin: User, group: Group, field: str) -> None:
    message = refusal(lambda: submit(admin, group, **{field: "-500.000"}), field)

    label = str(services.LABELS[field])
    assert message == f"{label}: Amount cannot be negative."
    assert not MonthlyReport.objects.exists()


def test_cents_and_words_are_refused(admin: User, group: Group) -> None:
    assert "no cents" in refusal(lambda: submit(admin, group, revenue="1.500.000,50"), "revenue")
    assert "Not a rupiah amount" in refusal(lambda: submit(admin, group, revenue="1,5 juta"), "revenue")


def test_every_wrong_field_is_reported_at_once(admin: User, group: Group) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(admin, group, revenue="-1", cash_savings="abc", meetings_held=40)

    assert set(caught.value.message_dict) == {"revenue", "cash_savings", "meetings_held"}


def test_a_second_report_for_the_same_month_is_refused_and_overwrites_nothing(admin: User, group: Group) -> None:
    first = submit(admin, group, revenue="5.000.000")

    message = refusal(lambda: submit(admin, group, period=dt.date(2025, 3, 20), revenue="9.000.000"), "period")

    assert message == "This KUBE already has a report for March 2025; edit that report instead."
    assert MonthlyReport.objects.get().revenue == 5_000_000 and MonthlyReport.objects.get().pk == first.pk


def test_the_same_month_saved_twice_at_once_gets_the_same_message(
    admin: User, group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests pass the existence check before either saves: the unique constraint decides (on
    PostgreSQL the KUBE row lock already serialises them; this is the database's last word)."""
    submit(admin, group)
    monkeypatch.setattr(services.MonthlyReport.objects, "filter", lambda **kw: MonthlyReport.objects.none())

    message = refusal(lambda: submit(admin, group), "period")

    assert "already has a report for March 2025" in message
    assert MonthlyReport.objects.count() == 1


def test_the_period_is_the_first_of_the_month_whatever_day_is_given(admin: User, group: Group) -> None:
    assert submit(admin, group, period=dt.date(2025, 3, 17)).period == MARCH
    assert submit(admin, group, period="2025-04-30").period == dt.date(2025, 4, 1)


@pytest.mark.parametrize("period", ["March", "2025-13", "2025/03", "", None, "2025-02-30"])
def test_a_month_that_is_not_a_month_is_refused(admin: User, group: Group, period: Any) -> None:
    assert refusal(lambda: submit(admin, group, period=period), "period") == "Give the month as YYYY-MM, e.g. 2025-03."


def test_a_month_in_the_future_is_refused(admin: User, group: Group) -> None:
    next_month = add_months(this_month(), 1)

    assert "has not begun yet" in refusal(lambda: submit(admin, group, period=next_month), "period")
    assert not MonthlyReport.objects.exists()


def test_the_current_month_may_be_reported(admin: User, group: Group) -> None:
    assert submit(admin, group, period=this_month()).period == this_month()


def test_a_month_before_the_founding_month_is_refused(admin: User) -> None:
    group = kube_with_members(5, founded_on=dt.date(2024, 6, 20))

    message = refusal(lambda: submit(admin, group, period="2024-05", members_active=5), "period")

    assert message == "May 2024 is before the KUBE was founded (June 2024)."
    assert submit(admin, group, period="2024-06", members_active=5).period == dt.date(2024, 6, 1)


def test_members_active_cannot_exceed_the_members_of_that_month(admin: User, group: Group) -> None:
    message = refusal(lambda: submit(admin, group, members_active=7), "members_active")

    assert message == "Members active (7) cannot be more than the 6 members the KUBE had in March 2025."
    assert submit(admin, group, members_active=0).members_active == 0


def test_a_member_who_left_later_still_counts_for_the_month_and_one_who_joined_later_does_not(admin: User) -> None:
    group = kube_with_members(5)
    MembershipFactory(group=group, joined_on=dt.date(2025, 1, 1), left_on=dt.date(2025, 3, 15))
    MembershipFactory(group=group, joined_on=dt.date(2025, 4, 2))

    assert submit(admin, group, members_active=6).members_active == 6
    assert "the 6 members" in refusal(lambda: submit(admin, group, period="2025-04", members_active=7))


@pytest.mark.parametrize(("value", "message"), [(32, "between 0 and 31"), (-1, "cannot be negative"), ("2x", "whole")])
def test_meetings_held_is_a_whole_number_from_0_to_31(admin: User, group: Group, value: Any, message: str) -> None:
    assert message in refusal(lambda: submit(admin, group, meetings_held=value), "meetings_held")


def test_meetings_and_members_typed_as_text_are_read(admin: User, group: Group) -> None:
    report = submit(admin, group, meetings_held="31", members_active=" 4 ")

    assert (report.meetings_held, report.members_active) == (31, 4)


# --- who may -----------------------------------------------------------------------------------------------


def test_the_assigned_companion_reports_for_their_kube(companion_user: User, group: Group) -> None:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))

    assert submit(companion_user, group).submitted_by == companion_user


def test_a_companion_cannot_report_for_a_kube_not_assigned_to_them(companion_user: User, group: Group) -> None:
    AssignmentFactory(group=kube_with_members(5), companion=CompanionFactory(user=companion_user))

    assert refusal(lambda: submit(companion_user, group), "group") == "This KUBE is not assigned to you."
    assert not MonthlyReport.objects.exists()


def test_an_officer_cannot_report_for_another_regency(malang_officer: User, group: Group) -> None:
    assert "outside the regencies" in refusal(lambda: submit(malang_officer, group), "group")


@pytest.mark.parametrize("who", ["auditor", "evaluator", "norole"])
def test_roles_without_report_submit_are_refused(request: pytest.FixtureRequest, group: Group, who: str) -> None:
    with pytest.raises(PermissionDenied):
        submit(request.getfixturevalue(who), group)


def test_the_system_may_report_without_a_user(group: Group) -> None:
    report = submit(None, group)

    assert report.submitted_by is None
    assert AuditEntry.objects.get(object_id=str(report.pk)).actor_name == "system"


# --- correcting ------------------------------------------------------------------------------------------------


def test_an_update_changes_the_figures_bumps_the_version_and_keeps_the_submission_time(
    surabaya_officer: User, group: Group
) -> None:
    report = submit(surabaya_officer, group)
    submitted_at = report.submitted_at

    updated = update(surabaya_officer, report, revenue="Rp 6.000.000", problems="Hujan")

    stored = MonthlyReport.objects.get(pk=report.pk)
    assert (stored.revenue, stored.profit, updated.profit, stored.problems) == (
        6_000_000,
        2_750_000,
        2_750_000,
        "Hujan",
    )
    assert (stored.version, stored.submitted_at, stored.operating_costs) == (2, submitted_at, 3_250_000)
    entry = AuditEntry.objects.get(action="update", object_id=str(report.pk))
    assert entry.changes["revenue"] == [5_000_000, 6_000_000] and entry.changes["profit"] == [1_750_000, 2_750_000]


def test_a_concurrent_edit_is_told_the_record_changed(surabaya_officer: User, admin: User, group: Group) -> None:
    report = submit(surabaya_officer, group)
    read_by_both = report.version
    update(admin, report, revenue="7.000.000", version=read_by_both)

    with pytest.raises(StaleRecord) as caught:
        update(surabaya_officer, report, revenue="8.000.000", version=read_by_both)

    assert "changed by someone else" in " ".join(caught.value.messages)
    assert MonthlyReport.objects.get().revenue == 7_000_000


def test_an_update_checks_the_figures_like_a_submission(admin: User, group: Group) -> None:
    report = submit(admin, group)

    assert "cannot be negative" in refusal(lambda: update(admin, report, revenue="-1"), "revenue")
    assert "the 6 members" in refusal(lambda: update(admin, report, members_active=9), "members_active")
    assert MonthlyReport.objects.get().version == 1


def test_an_update_refuses_fields_it_does_not_change(admin: User, group: Group) -> None:
    report = submit(admin, group)

    with pytest.raises(TypeError):
        update(admin, report, period="2025-04")


def test_a_companion_no_longer_assigned_cannot_correct_the_report(companion_user: User, group: Group) -> None:
    assignment = AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))
    report = submit(companion_user, group)
    assignment.ended_on = dt.date(2025, 4, 1)
    assignment.save()

    assert "not assigned" in refusal(lambda: update(companion_user, report, revenue="1"), "group")


def test_an_officer_of_another_regency_cannot_correct_the_report(malang_officer: User, admin: User) -> None:
    report = submit(admin, kube_with_members(5, desa=village()), members_active=5)

    assert "outside" in refusal(lambda: update(malang_officer, report, revenue="1"), "group")


# --- the IKS line ------------------------------------------------------------------------------------------------


def test_iks_collected_becomes_the_reports_ledger_line(surabaya_officer: User, group: Group) -> None:
    report = submit(surabaya_officer, group, iks_collected="Rp 150.000")

    entry = IksEntry.objects.get()
    assert (entry.report_id, entry.group_id, entry.kind, entry.amount) == (report.pk, group.pk, "in", 150_000)
    assert (entry.on, entry.entered_by) == (dt.date(2025, 3, 31), surabaya_officer)
    assert iks_balance(group=group) == 150_000


def test_no_iks_collected_writes_no_ledger_line(admin: User, group: Group) -> None:
    submit(admin, group)

    assert not IksEntry.objects.exists()


def test_changing_iks_collected_changes_the_line_and_zero_removes_it(admin: User, group: Group) -> None:
    report = submit(admin, group, iks_collected=100_000)

    report = update(admin, report, iks_collected="120.000")
    assert IksEntry.objects.get().amount == 120_000
    report = update(admin, report, iks_collected=0)
    assert not IksEntry.objects.exists()
    update(admin, report, iks_collected=50_000)
    assert IksEntry.objects.get().amount == 50_000
    assert AuditEntry.objects.filter(content_type__model="iksentry").count() == 4  # create, change, delete, create


def test_lowering_a_contribution_already_spent_is_refused(admin: User, group: Group) -> None:
    report = submit(admin, group, iks_collected=100_000)
    IksEntryFactory(group=group, kind="out", amount=80_000, purpose="Bantuan anggota sakit")

    refused = refusal(lambda: update(admin, report, iks_collected=10_000), "iks_collected")

    assert "already used part of this contribution" in refused
    assert (IksEntry.objects.get(report=report).amount, MonthlyReport.objects.get().iks_collected) == (100_000, 100_000)
    assert update(admin, report, iks_collected=80_000).iks_collected == 80_000  # the balance stays at zero


def test_an_iks_line_is_dated_the_last_day_of_its_month(admin: User, group: Group) -> None:
    submit(admin, group, period="2024-02", iks_collected=1)

    assert IksEntry.objects.get().on == dt.date(2024, 2, 29)


# --- audit and rescoring ---------------------------------------------------------------------------------------


def test_every_write_is_audited_and_asks_for_a_rescore(admin: User, group: Group, rescored: list[int]) -> None:
    report = submit(admin, group, iks_collected=10_000)
    update(admin, report, revenue="1")

    actions = list(AuditEntry.objects.filter(content_type__model="monthlyreport").values_list("action", flat=True))
    assert sorted(actions) == ["create", "update"]
    assert rescored == [group.pk, group.pk]


def test_a_refused_write_leaves_nothing_behind(admin: User, group: Group, rescored: list[int]) -> None:
    refusal(lambda: submit(admin, group, revenue="-1"))

    assert not MonthlyReport.objects.exists() and not AuditEntry.objects.exists() and rescored == []


def test_a_report_for_a_kube_in_malang_carries_its_regency(admin: User) -> None:
    report = submit(admin, kube_with_members(5, desa=village(MALANG_VILLAGE)), members_active=5)

    assert report.regency_id == "35.07"


def test_the_unique_constraint_holds_without_the_service() -> None:
    report = MonthlyReportFactory()

    with pytest.raises(IntegrityError):
        MonthlyReportFactory(group=report.group, period=report.period)
