"""Exports of the office's other lists: partners, partnership agreements, complaints, evaluation studies and
instruments. Each calls the page's selector as the page does.

Complaints leave out the complainant's name and contact (kept for the officer handling the complaint, never for a
list) and the free-text description and resolution, which quote people."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.complaints.models import Complaint
from pendamping.complaints.selectors import ComplaintFilters, complaint_list
from pendamping.evaluation import selectors as evaluation
from pendamping.evaluation.forms import StudyFilterForm
from pendamping.evaluation.models import Instrument, Study
from pendamping.exchange.exports.spec import ExportSpec, choice, date, flag, ident, moment, number, text
from pendamping.partnerships.models import Partner
from pendamping.partnerships.selectors import AgreementFilters, PartnerFilters, agreement_list, partner_list

PARTNERSHIP_VIEW = ("partnership.view",)


def partners(user: Any, params: Any) -> QuerySet[Any]:
    return partner_list(user=user, filters=PartnerFilters.from_params(params))


def agreements(user: Any, params: Any) -> QuerySet[Any]:
    return agreement_list(user=user, filters=AgreementFilters.from_params(params))


def complaints(user: Any, params: Any, today: dt.date | None = None) -> QuerySet[Any]:
    today = today or timezone.localdate()
    return complaint_list(user=user, filters=ComplaintFilters.from_params(params), today=today)


def studies(user: Any, params: Any) -> QuerySet[Any]:
    form = StudyFilterForm(params)
    chosen = form.cleaned_data if form.is_valid() else {}
    return evaluation.study_list(user=user, status=chosen.get("status", ""), q=chosen.get("q", ""))


def instruments(user: Any, params: Any) -> QuerySet[Any]:
    return evaluation.instrument_list(user=user, q=str(params.get("q", "") or "")[:100])


PARTNERS = ExportSpec(
    name="partners",
    title=_("Partners"),
    permissions=PARTNERSHIP_VIEW,
    page="partnerships:partner_list",
    rows=partners,
    columns=(
        text(_("Name"), "name", 28),
        choice(_("Type"), "type", Partner.Type.choices),
        text(_("Sector"), "sector", 20),
        text(_("Regency/city (empty: province-wide)"), "regency__name", 20),
        text(_("Contact person"), "contact_name", 20),
        ident(_("Phone"), "phone"),
        text(_("Email"), "email", 22),
        text(_("Address"), "address", 30),
        number(_("Agreements"), "agreement_count", 9),
    ),
)

AGREEMENTS = ExportSpec(
    name="agreements",
    title=_("Partnership agreements"),
    permissions=PARTNERSHIP_VIEW,
    page="partnerships:agreement_list",
    rows=agreements,
    columns=(
        text(_("Title"), "title", 30),
        text(_("Partner"), "partner__name", 24),
        text(_("Regency/city"), "regency__name", 20),
        date(_("Start"), "start_on"),
        date(_("End"), "end_on"),
        flag(_("Capital"), "scope_capital"),
        flag(_("Marketing"), "scope_marketing"),
        flag(_("Training"), "scope_training"),
        flag(_("Supply"), "scope_supply"),
        flag(_("Mentoring"), "scope_mentoring"),
        number(_("Value (Rp)"), "value"),
        ident(_("Document reference"), "document_ref", 20),
        number(_("KUBE covered"), "group_count", 9),
    ),
)

COMPLAINTS = ExportSpec(
    name="complaints",
    title=_("Complaints"),
    permissions=("complaint.view",),
    page="complaints:complaint_list",
    rows=complaints,
    columns=(
        ident(_("Reference"), "reference"),
        moment(_("Received"), "created_at"),
        text(_("Regency/city"), "regency__name", 20),
        choice(_("About"), "subject", Complaint.Subject.choices, 12),
        text(_("KUBE"), "group__name", 24),
        text(_("Grant of the KUBE"), "grant__group__name", 24),
        text(_("Companion"), "companion__name", 24),
        text(_("Named in the complaint"), "subject_text", 24),
        choice(_("Category"), "category", Complaint.Category.choices, 24),
        choice(_("Channel"), "channel", Complaint.Channel.choices),
        flag(_("Anonymous"), "anonymous"),
        choice(_("Status"), "status", Complaint.Status.choices, 12),
        text(_("Handled by"), "assigned_to__username", 16),
        date(_("Due on"), "due_on"),
        date(_("Closed on"), "closed_on"),
    ),
)

STUDIES = ExportSpec(
    name="studies",
    title=_("Studies"),
    permissions=("evaluation.view", "evaluation.respond"),
    page="evaluation:study_list",
    rows=studies,
    columns=(
        text(_("Title"), "title", 32),
        ident(_("Instrument"), "instrument__code", 16),
        number(_("Instrument version"), "instrument__version", 8),
        choice(_("Status"), "status", Study.Status.choices, 18),
        date(_("Start"), "starts_on"),
        date(_("End"), "ends_on"),
        number(_("Respondents"), "n_respondents", 9),
        moment(_("Created at"), "created_at"),
    ),
)

INSTRUMENTS = ExportSpec(
    name="instruments",
    title=_("Instruments"),
    permissions=("evaluation.view",),
    page="evaluation:instrument_list",
    rows=instruments,
    columns=(
        ident(_("Code"), "code", 16),
        number(_("Version"), "version", 8),
        text(_("Title"), "title", 32),
        choice(_("Language"), "language", Instrument.Language.choices, 10),
        number(_("Items"), "n_items", 8),
        number(_("Studies"), "n_studies", 8),
        moment(_("Locked since"), "locked_at"),
    ),
)

SPECS = (PARTNERS, AGREEMENTS, COMPLAINTS, STUDIES, INSTRUMENTS)
