"""Exports of the enterprise (UEP) lists: monthly reports, the IKS status of the KUBE, the KUBE classification.
Each calls the page's selector as the page does."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pendamping.enterprise.forms.ledger import IksStatusFilterForm
from pendamping.enterprise.selectors.classification import ClassificationFilters, classification_list
from pendamping.enterprise.selectors.ledger import iks_status, iks_window
from pendamping.enterprise.selectors.reports import ReportFilters, report_list
from pendamping.exchange.exports.spec import ExportSpec, date, flag, ident, moment, number, text

REGISTRY_VIEW = ("registry.view",)


def reports(user: Any, params: Any) -> QuerySet[Any]:
    return report_list(user=user, filters=ReportFilters.from_params(params))


def iks(user: Any, params: Any) -> QuerySet[Any]:
    form = IksStatusFilterForm(params, user=user)
    return iks_status(user=user, window=iks_window(), **form.filters())


def classification(user: Any, params: Any) -> QuerySet[Any]:
    return classification_list(user=user, filters=ClassificationFilters.from_params(params))


REPORTS = ExportSpec(
    name="reports",
    title=_("Monthly UEP reports"),
    permissions=REGISTRY_VIEW,
    page="enterprise:report_list",
    rows=reports,
    columns=(
        date(_("Month"), "period"),
        ident(_("KUBE code"), "group__code"),
        text(_("KUBE"), "group__name", 28),
        text(_("Regency/city"), "regency__name", 20),
        number(_("Revenue (Rp)"), "revenue"),
        number(_("Operating costs (Rp)"), "operating_costs"),
        number(_("Profit (Rp)"), "profit"),
        number(_("Capital and assets (Rp)"), "capital_assets"),
        number(_("Cash and savings (Rp)"), "cash_savings"),
        number(_("Members active"), "members_active", 9),
        number(_("Meetings held"), "meetings_held", 9),
        number(_("IKS collected (Rp)"), "iks_collected"),
        text(_("Problems"), "problems", 40),
        moment(_("Submitted at"), "submitted_at"),
    ),
)

IKS = ExportSpec(
    name="iks",
    title=_("IKS status"),
    permissions=REGISTRY_VIEW,
    page="enterprise:iks_status",
    rows=iks,
    columns=(
        ident(_("KUBE code"), "code"),
        text(_("KUBE"), "name", 28),
        text(_("Village"), "desa__name", 20),
        text(_("Regency/city"), "regency__name", 20),
        date(_("Active since"), "active_since"),
        number(_("IKS balance (Rp)"), "balance"),
        date(_("Last contribution"), "last_contribution"),
        number(_("Contributed in the window (Rp)"), "contributed"),
        number(_("Profit in the window (Rp)"), "profit"),
        number(_("Expected contribution (Rp)"), "expected"),
        flag(_("Stopped paying"), "stopped"),
    ),
)

CLASSIFICATION = ExportSpec(
    name="classification",
    title=_("KUBE classification"),
    permissions=REGISTRY_VIEW,
    page="enterprise:classification",
    rows=classification,
    columns=(
        ident(_("KUBE code"), "group__code"),
        text(_("KUBE"), "group__name", 28),
        text(_("Village"), "group__desa__name", 20),
        text(_("Regency/city"), "regency__name", 20),
        number(_("Score"), "score", 8),
        text(_("Level"), "level_name", 16),
        number(_("Rank in regency"), "rank_in_regency", 8),
        number(_("Months reported"), "months_reported", 8),
        flag(_("Outstanding (berprestasi)"), "outstanding"),
        moment(_("Computed at"), "computed_at"),
    ),
)

SPECS = (REPORTS, IKS, CLASSIFICATION)
