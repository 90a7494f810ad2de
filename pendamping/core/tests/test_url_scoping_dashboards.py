"""The dashboards app: its part of the URL-enumerating scope tests.

Which objects fill the keys of its pages (KEYS): a regency's dashboard takes the bundle's regency, a report's
pages the bundle officer's report (a finished PDF naming the tag; "dashboard_report", as "report" is the
enterprise app's monthly report). Reports are their requester's: the other
regency's officer, the auditor and the companion get 404; the admin's control run reaches them."""

from django.utils import timezone

from pendamping.core.tests.test_url_scoping import BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle
from pendamping.dashboards.models import Report

__all__: list[str] = []

_REPORT = {"pk": "dashboard_report"}
KEYS.update(
    {
        "dashboards:area": {"code": "regency_region"},
        **{f"dashboards:{view}": _REPORT for view in ("report_detail", "report_file")},
        **{f"/api/dashboards/reports/{{report_id}}{sub}": {"report_id": "dashboard_report"} for sub in ("", "/file")},
    }
)
BODIES.update(
    {
        ("POST", "/api/dashboards/reports"): lambda b: {
            "kind": "regency_month",
            "area_code": b.group.regency_id,
            "period": "2026-09",
            "format": "xlsx",
        },
    }
)
TRACKED.extend([Report])


def add_rows(bundle: Bundle) -> None:
    bundle.extra["regency_region"] = bundle.group.regency
    bundle.extra["dashboard_report"] = Report.objects.create(
        kind=Report.Kind.REGENCY_MONTH,
        area_code=bundle.group.regency_id,
        period="2026-09",
        format=Report.Format.PDF,
        status=Report.Status.DONE,
        progress=100,
        content=f"%PDF-1.4 {bundle.tag}".encode(),
        file_name="laporan.pdf",
        created_by=bundle.token.user,
        finished_at=timezone.now(),
    )


BUNDLE_HOOKS.append(add_rows)
