"""The enterprise app (monthly reports): its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS).

Each bundle's KUBE has a report for May 2024 (its problems name the bundle) and its regency has January 2024
locked. The bodies enter June 2024, correct the May report, lock February 2024 and unlock January 2024: valid
for either bundle, so the admin's control run reaches every write."""

import datetime as dt

from pendamping.core.tests.test_url_scoping import ADMIN_MODELS, BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle
from pendamping.enterprise.models import IksEntry, MonthlyReport, PeriodLock
from pendamping.enterprise.tests.factories import MonthlyReportFactory

__all__: list[str] = []

_REPORT = {"pk": "report"}
KEYS.update(
    {
        "enterprise:report_new": {"pk": "group"},
        "enterprise:report_detail": _REPORT,
        "enterprise:report_edit": _REPORT,
        "/api/reports/{report_id}": {"report_id": "report"},
    }
)

BODIES.update(
    {
        ("POST", "/api/reports"): lambda b: {
            "group_id": b.group.pk,
            "period": "2024-06",
            "revenue": "Rp 4.000.000",
            "operating_costs": 2_500_000,
            "capital_assets": 15_000_000,
            "cash_savings": 600_000,
            "members_active": 5,
            "meetings_held": 2,
            "iks_collected": 50_000,
        },
        ("PATCH", "/api/reports/{report_id}"): lambda b: {"version": b.report.version, "revenue": "4.500.000"},
        ("POST", "/api/report-locks"): lambda b: {"regency": b.group.regency_id, "period": "2024-02"},
        ("POST", "/api/report-locks/unlock"): lambda b: {"regency": b.group.regency_id, "period": "2024-01"},
    }
)

for _model in (MonthlyReport, PeriodLock, IksEntry):
    if _model not in TRACKED:  # IksEntry may be added by the ledger's module too
        TRACKED.append(_model)

ADMIN_MODELS.update({"enterprise/monthlyreport": "report", "enterprise/periodlock": "lock"})


def add_rows(bundle: Bundle) -> None:
    """A May 2024 report of the bundle's KUBE (its problems carry the tag) and January 2024 locked."""
    bundle.extra["report"] = MonthlyReportFactory(
        group=bundle.group,
        period=dt.date(2024, 5, 1),
        iks_collected=0,
        problems=f"{bundle.tag} kesulitan bahan baku",
    )
    bundle.extra["lock"] = PeriodLock.objects.create(regency_id=bundle.group.regency_id, period=dt.date(2024, 1, 1))


BUNDLE_HOOKS.append(add_rows)
