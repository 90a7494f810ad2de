"""The reports kind (monthly UEP reports), driven directly: clean, then write in a savepoint; undo."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import IksEntry, MonthlyReport
from pendamping.enterprise.services.reports import period_lock
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.exchange.kinds.base import Context, RowInvalid, Written
from pendamping.exchange.kinds.reports import KIND
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, MembershipFactory, village

pytestmark = pytest.mark.django_db


def ctx_for(actor: Any, on_existing: str = "skip") -> Context:
    return Context(actor=actor, on_existing=on_existing, today=timezone.localdate())


def import_row(raw: dict[str, Any], ctx: Context) -> Written:
    row = KIND.clean(raw, ctx=ctx)
    with transaction.atomic():
        return KIND.write(row, ctx=ctx)


def errors_of(exc: pytest.ExceptionInfo[RowInvalid]) -> dict[str, str]:
    return dict(exc.value.errors)


def kube(**fields: Any) -> Group:
    group = GroupFactory(founded_on=dt.date(2023, 1, 15), **fields)
    for _n in range(6):
        MembershipFactory(group=group, joined_on=dt.date(2023, 2, 1))
    return group


def report_row(group: Group, **fields: Any) -> dict[str, Any]:
    return {"group_code": group.code, "period": "Maret 2025", "revenue": "Rp 5.000.000,00",
            "operating_costs": "3.000.000", "capital_assets": "20.000.000", "cash_savings": "1.000.000",
            "members_active": "6", "meetings_held": 2.0, "iks_collected": "100.000", **fields}  # fmt: skip


def test_a_report_is_submitted_with_its_iks_line(surabaya_officer: Any) -> None:
    group = kube()

    written = import_row(report_row(group, problems="Harga pakan naik"), ctx_for(surabaya_officer))

    report = MonthlyReport.objects.get()
    assert written == Written("created", report)
    assert (report.period, report.revenue, report.profit, report.members_active, report.meetings_held) == (
        dt.date(2025, 3, 1), 5_000_000, 2_000_000, 6, 2
    )  # fmt: skip
    assert (report.problems, report.submitted_by) == ("Harga pakan naik", surabaya_officer)
    assert IksEntry.objects.get().amount == 100_000


def test_every_missing_required_column_is_named(surabaya_officer: Any) -> None:
    raw = {"group_code": "", "period": "", "revenue": " ", "operating_costs": "", "capital_assets": "",
           "cash_savings": "", "members_active": "", "meetings_held": ""}  # fmt: skip
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(surabaya_officer))
    assert set(errors_of(exc)) == set(raw)


def test_bad_values_are_refused_with_the_field_named(surabaya_officer: Any) -> None:
    raw = report_row(kube(), period="13/2025", revenue="1,5 juta", cash_savings="1,500,000", members_active="6,5",
                     meetings_held="40")  # fmt: skip
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(surabaya_officer))
    errors = errors_of(exc)
    assert set(errors) == {"period", "revenue", "cash_savings", "members_active", "meetings_held"}
    assert "juta" in errors["revenue"] and "commas" in errors["cash_savings"]


def test_the_report_services_rules_come_back_under_their_columns(surabaya_officer: Any) -> None:
    group = kube()
    ctx = ctx_for(surabaya_officer)
    next_month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")
    period_lock(actor=surabaya_officer, regency_code="35.78", period="2025-04")

    with pytest.raises(RowInvalid) as future:
        import_row(report_row(group, period=next_month), ctx)
    with pytest.raises(RowInvalid) as before_founding:
        import_row(report_row(group, period="2022-12"), ctx)
    with pytest.raises(RowInvalid) as locked:
        import_row(report_row(group, period="2025-04"), ctx)
    with pytest.raises(RowInvalid) as too_many:
        import_row(report_row(group, members_active="7"), ctx)

    assert "has not begun yet" in errors_of(future)["period"]
    assert "before the KUBE was founded" in errors_of(before_founding)["period"]
    assert "is locked in this regency" in errors_of(locked)["period"]
    assert "cannot be more than the 6 members" in errors_of(too_many)["members_active"]
    assert not MonthlyReport.objects.exists()


def test_reports_of_kube_outside_the_actors_reach_are_refused(surabaya_officer: Any, companion_user: Any) -> None:
    malang = kube(desa=village(MALANG_VILLAGE))
    mine, other = kube(), kube()
    AssignmentFactory(group=mine, companion=CompanionFactory(user=companion_user))

    with pytest.raises(RowInvalid) as officer:
        import_row(report_row(malang), ctx_for(surabaya_officer))
    with pytest.raises(RowInvalid) as companion:
        import_row(report_row(other), ctx_for(companion_user))
    written = import_row(report_row(mine), ctx_for(companion_user))

    assert "outside the regencies you work in" in errors_of(officer)["group_code"]
    assert errors_of(companion)["group_code"] == f"KUBE {other.code} is not assigned to you."
    assert written.action == "created"


def test_existing_reports_are_skipped_rejected_or_updated(surabaya_officer: Any) -> None:
    group = kube()
    report = MonthlyReportFactory(group=group, period=dt.date(2025, 3, 1), iks_collected=100_000)
    same = report_row(group)
    better = report_row(group, revenue="6.500.000", problems="Pasar ramai")

    assert import_row(better, ctx_for(surabaya_officer, "skip")) == Written("skipped")
    with pytest.raises(RowInvalid, match="already exists"):
        import_row(better, ctx_for(surabaya_officer, "reject"))
    assert import_row(same, ctx_for(surabaya_officer, "update")) == Written("skipped")
    written = import_row(better, ctx_for(surabaya_officer, "update"))

    report.refresh_from_db()
    assert (report.revenue, report.profit, report.problems) == (6_500_000, 3_500_000, "Pasar ramai")
    assert written == Written("updated", report, before={"revenue": 5_000_000, "problems": ""})
    KIND.undo(report.pk, "u", written.before, actor=surabaya_officer)
    report.refresh_from_db()
    assert (report.revenue, report.problems) == (5_000_000, "")


def test_undo_takes_back_the_report_and_its_iks_line_while_the_month_is_open(surabaya_officer: Any) -> None:
    group = kube()
    ctx = ctx_for(surabaya_officer)
    march = import_row(report_row(group), ctx)
    april = import_row(report_row(group, period="2025-04"), ctx)
    period_lock(actor=surabaya_officer, regency_code="35.78", period="2025-04")
    assert march.obj is not None and april.obj is not None

    KIND.undo(march.obj.pk, "c", None, actor=surabaya_officer)
    with pytest.raises(ValidationError, match="is locked"):
        KIND.undo(april.obj.pk, "c", None, actor=surabaya_officer)

    assert list(MonthlyReport.objects.values_list("period", flat=True)) == [dt.date(2025, 4, 1)]
    assert list(IksEntry.objects.values_list("report_id", flat=True)) == [april.obj.pk]
