"""The monthly reports through the API's door: the same rules as the pages, the standard error shape, PATCH with
its version (409 when stale), the month's timeliness, locks, and scope (404 outside it)."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import IksEntry, MonthlyReport, PeriodLock
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, kube_with_members, village

pytestmark = pytest.mark.django_db
JSON = "application/json"
MARCH = dt.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _no_rate_limits_left_over() -> None:
    cache.clear()


class Api:
    def __init__(self, user: User) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(url, params or {})

    def post(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.post(url, body, content_type=JSON)

    def patch(self, url: str, body: dict[str, Any]) -> Any:
        return self.client.patch(url, body, content_type=JSON)


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def body(group: Group, **overrides: Any) -> dict[str, Any]:
    data = {
        "group_id": group.pk,
        "period": "2025-03",
        "revenue": 5_000_000,
        "operating_costs": "Rp 1.250.000",
        "capital_assets": "20.000.000",
        "cash_savings": 500_000,
        "members_active": 5,
        "meetings_held": 2,
    }
    return {**data, **overrides}


@pytest.fixture
def group() -> Group:
    return kube_with_members(5, name="KUBE Sumber Rejeki")


def test_a_report_is_entered_and_its_profit_returned(surabaya_officer: User, group: Group) -> None:
    response = Api(surabaya_officer).post("/api/reports", body(group, iks_collected="25.000"))

    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["period"], out["operating_costs"], out["profit"], out["version"]) == (
        "2025-03-01",
        1_250_000,
        3_750_000,
        1,
    )
    assert (out["group_code"], out["regency_code"], out["late"], out["due_date"]) == (
        group.code,
        "35.78",
        True,
        "2025-04-10",
    )
    assert IksEntry.objects.get().amount == 25_000


def test_profit_cannot_be_sent(surabaya_officer: User, group: Group) -> None:
    fields = error(Api(surabaya_officer).post("/api/reports", body(group, profit=1)), 400, "validation_error")["fields"]

    assert "profit" in fields and not MonthlyReport.objects.exists()


def test_a_second_report_for_the_month_is_a_validation_error(surabaya_officer: User, group: Group) -> None:
    MonthlyReportFactory(group=group, period=MARCH, revenue=1)

    fields = error(Api(surabaya_officer).post("/api/reports", body(group)), 400, "validation_error")["fields"]

    assert fields == {"period": ["This KUBE already has a report for March 2025; edit that report instead."]}
    assert MonthlyReport.objects.get().revenue == 1


def test_a_negative_revenue_names_the_field(surabaya_officer: User, group: Group) -> None:
    fields = error(Api(surabaya_officer).post("/api/reports", body(group, revenue=-5)), 400, "validation_error")[
        "fields"
    ]

    assert fields == {"revenue": ["Revenue: Amount cannot be negative."]}


def test_a_kube_out_of_scope_is_no_such_record(malang_officer: User, group: Group) -> None:
    fields = error(Api(malang_officer).post("/api/reports", body(group)), 400, "validation_error")["fields"]

    assert fields == {"group_id": ["No such record (or not in your area)."]}


def test_a_companion_reports_only_for_the_assigned_kube(companion_user: User, group: Group) -> None:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))
    api = Api(companion_user)

    assert api.post("/api/reports", body(group)).status_code == 201
    other = kube_with_members(5)
    assert error(api.post("/api/reports", body(other)), 400, "validation_error")["fields"] == {
        "group_id": ["No such record (or not in your area)."]
    }


def test_the_auditor_reads_but_may_not_write(auditor: User, group: Group) -> None:
    MonthlyReportFactory(group=group)

    assert Api(auditor).get("/api/reports").json()["count"] == 1
    error(Api(auditor).post("/api/reports", body(group, period="2025-04")), 403, "forbidden")


def test_patch_needs_the_version_and_a_stale_one_is_a_conflict(surabaya_officer: User, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=MARCH)
    api, path = Api(surabaya_officer), f"/api/reports/{report.pk}"

    assert "version" in error(api.patch(path, {"revenue": 1}), 400, "validation_error")["fields"]
    changed = api.patch(path, {"version": 1, "revenue": "6.000.000"})
    assert changed.status_code == 200 and changed.json()["profit"] == 3_000_000 and changed.json()["version"] == 2
    stale = error(api.patch(path, {"version": 1, "revenue": 1}), 409, "conflict")
    assert "changed by someone else" in stale["message"]
    assert MonthlyReport.objects.get().revenue == 6_000_000


def test_patch_in_a_locked_month_is_refused(surabaya_officer: User, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=MARCH)
    PeriodLock.objects.create(regency_id="35.78", period=MARCH)

    refused = error(
        Api(surabaya_officer).patch(f"/api/reports/{report.pk}", {"version": 1, "revenue": 1}), 400, "validation_error"
    )

    assert "locked" in refused["fields"]["period"][0]


def test_reports_out_of_scope_are_not_found(malang_officer: User, group: Group) -> None:
    report = MonthlyReportFactory(group=group)
    api = Api(malang_officer)

    error(api.get(f"/api/reports/{report.pk}"), 404, "not_found")
    error(api.patch(f"/api/reports/{report.pk}", {"version": 1, "revenue": 1}), 404, "not_found")
    assert api.get("/api/reports", {"regency": "35.78", "group_id": group.pk}).json()["count"] == 0


def test_the_list_filters_by_month_and_refuses_a_malformed_one(admin: User, group: Group) -> None:
    MonthlyReportFactory(group=group, period=MARCH)
    MonthlyReportFactory(group=group, period=dt.date(2025, 1, 1))
    api = Api(admin)

    assert [r["period"] for r in api.get("/api/reports", {"period_from": "2025-02"}).json()["items"]] == ["2025-03-01"]
    assert [r["period"] for r in api.get("/api/reports", {"q": "sumber"}).json()["items"]] == [
        "2025-03-01",
        "2025-01-01",
    ]
    assert "period_to" in error(api.get("/api/reports", {"period_to": "maret"}), 400, "validation_error")["fields"]


def test_timeliness_of_a_month(surabaya_officer: User, group: Group) -> None:
    late = kube_with_members(5, name="KUBE Telat")
    kube_with_members(5, name="KUBE Absen")
    kube_with_members(5, desa=village(MALANG_VILLAGE))
    MonthlyReportFactory(group=group, period=MARCH)
    MonthlyReportFactory(group=late, period=MARCH, submitted_at=timezone.make_aware(dt.datetime(2025, 4, 11, 8)))

    out = Api(surabaya_officer).get("/api/reports/timeliness", {"period": "2025-03", "status": "missing"}).json()

    assert (out["period"], out["due_date"], out["overdue"]) == ("2025-03-01", "2025-04-10", True)
    assert out["regencies"] == [
        {
            "regency_code": "35.78",
            "regency_name": "Kota Surabaya",
            "expected": 3,
            "on_time": 1,
            "late": 1,
            "missing": 1,
            "locked": False,
        }
    ]
    assert [(g["group_name"], g["status"], g["report_id"]) for g in out["groups"]["items"]] == [
        ("KUBE Absen", "missing", None)
    ]
    assert out["groups"]["count"] == 1


def test_timeliness_refuses_a_malformed_month(admin: User) -> None:
    assert (
        "period"
        in error(Api(admin).get("/api/reports/timeliness", {"period": "2025-13"}), 400, "validation_error")["fields"]
    )


def test_locks_over_the_api(surabaya_officer: User) -> None:
    api = Api(surabaya_officer)

    locked = api.post("/api/report-locks", {"regency": "35.78", "period": "2025-03"})
    assert locked.status_code == 201 and locked.json() == {"regency": "35.78", "period": "2025-03-01", "locked": True}
    assert (
        "already locked"
        in error(api.post("/api/report-locks", {"regency": "35.78", "period": "2025-03"}), 400, "validation_error")[
            "message"
        ]
    )
    unlocked = api.post("/api/report-locks/unlock", {"regency": "35.78", "period": "2025-03"})
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False and not PeriodLock.objects.exists()


def test_locks_outside_the_regency_or_by_a_companion_are_refused(surabaya_officer: User, companion_user: User) -> None:
    fields = error(
        Api(surabaya_officer).post("/api/report-locks", {"regency": "35.07", "period": "2025-03"}),
        400,
        "validation_error",
    )["fields"]

    assert fields == {"regency": ["This is outside the regencies you work in."]}
    error(Api(companion_user).post("/api/report-locks", {"regency": "35.78", "period": "2025-03"}), 403, "forbidden")
    assert not PeriodLock.objects.exists()
