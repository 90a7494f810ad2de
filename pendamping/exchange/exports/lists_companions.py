"""Exports of the companion model's lists: companions, visits, appraisals, briefing batches, instructors,
recruitment calls and a call's applications, internship rounds. Each calls the page's selector as the page does."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from pendamping.companions.models import Application, Appraisal, Briefing, Call, Companion, InternshipRound, Visit
from pendamping.companions.selectors import CompanionFilters, companion_list
from pendamping.companions.selectors.appraisal import AppraisalFilters, appraisal_list
from pendamping.companions.selectors.briefing import BriefingFilters, briefing_list, instructor_list
from pendamping.companions.selectors.internship import RoundFilters, round_list
from pendamping.companions.selectors.recruitment import ApplicationFilters, CallFilters, application_list, call_get
from pendamping.companions.selectors.recruitment import call_list as recruitment_calls
from pendamping.companions.selectors.visits import VisitFilters, visit_list
from pendamping.exchange.exports.spec import (
    ExportSpec,
    choice,
    choices,
    date,
    flag,
    ident,
    moment,
    number,
    secret,
    text,
)
from pendamping.privacy.selectors import restricted_companion_ids

MAX_ID = 2**63 - 1


def companions(user: Any, params: Any) -> QuerySet[Any]:
    qs = companion_list(user=user, filters=CompanionFilters.from_params(params))
    return qs.exclude(pk__in=restricted_companion_ids())  # restricted processing: never in a file


def visits(user: Any, params: Any) -> QuerySet[Any]:
    return visit_list(user=user, filters=VisitFilters.from_params(params))


def appraisals(user: Any, params: Any) -> QuerySet[Any]:
    return appraisal_list(user=user, filters=AppraisalFilters.from_params(params))


def briefings(user: Any, params: Any) -> QuerySet[Any]:
    return briefing_list(user=user, filters=BriefingFilters.from_params(params))


def instructors(user: Any, params: Any) -> QuerySet[Any]:
    return instructor_list(user=user)


def calls(user: Any, params: Any) -> QuerySet[Any]:
    return recruitment_calls(user=user, filters=CallFilters.from_params(params))


def applications(user: Any, params: Any) -> QuerySet[Any]:
    """The page is a call's (/companions/calls/<pk>/applications/): the export names the call as `call`. A call
    that is absent or out of the user's scope is not found, as on the page."""
    key = str(params.get("call", "") or "").strip()
    if not key.isdigit() or not 0 < int(key) <= MAX_ID:
        raise ValidationError({"call": _("Name the recruitment call whose applications to export: ?call=<its id>.")})
    try:
        call = call_get(user=user, pk=int(key))
    except ObjectDoesNotExist:
        raise Http404 from None
    return application_list(user=user, call=call, filters=ApplicationFilters.from_params(params))


def rounds(user: Any, params: Any) -> QuerySet[Any]:
    return round_list(user=user, filters=RoundFilters.from_params(params))


COMPANIONS = ExportSpec(
    name="companions",
    title=_("Companions"),
    permissions=("companion.view",),
    page="companions:companion_list",
    rows=companions,
    columns=(
        secret(_("NIK"), "nik"),
        text(_("Name"), "name", 28),
        choice(_("Sex"), "sex", Companion.Sex.choices, 10),
        date(_("Birth date"), "birth_date"),
        choice(_("Education"), "education", Companion.Education.choices, 22),
        ident(_("Phone"), "phone"),
        text(_("Home village"), "home_desa__name", 20),
        text(_("Regency of service"), "regency__name", 20),
        choice(_("Status"), "status", Companion.Status.choices),
        number(_("KUBE accompanied now"), "caseload", 9),
        number(_("Caseload limit"), "caseload_limit", 9),
    ),
)

VISITS = ExportSpec(
    name="visits",
    title=_("Visits"),
    permissions=("visit.view",),
    page="companions:visit_list",
    rows=visits,
    columns=(
        date(_("Date"), "on"),
        text(_("Companion"), "companion__name", 24),
        ident(_("KUBE code"), "group__code"),
        text(_("KUBE"), "group__name", 24),
        text(_("Village"), "group__desa__name", 18),
        text(_("Regency/city"), "regency__name", 18),
        flag(_("Resource person (nara sumber)"), "as_resource"),
        flag(_("Motivator (penggerak)"), "as_motivator"),
        flag(_("Facilitator (fasilitator)"), "as_facilitator"),
        choices(_("Topics"), "topics", Visit.Topic.choices),
        text(_("Other topic"), "topic_other"),
        number(_("Members present"), "members_present", 9),
        text(_("Problems found"), "problems", 40),
        number(_("Open follow-ups"), "open_follow_ups", 9),
    ),
)

APPRAISALS = ExportSpec(
    name="appraisals",
    title=_("Appraisals"),
    permissions=("appraisal.view",),
    page="companions:appraisal_list",
    rows=appraisals,
    columns=(
        text(_("Companion"), "companion__name", 28),
        text(_("Regency/city"), "regency__name", 20),
        date(_("Quarter (first day)"), "period"),
        choice(_("Status"), "status", Appraisal.Status.choices, 10),
        number(_("Score"), "score", 8),
        flag(_("Performing well"), "performing_well"),
    ),
)

BRIEFINGS = ExportSpec(
    name="briefings",
    title=_("Briefing batches"),
    permissions=("briefing.view",),
    page="companions:briefing_list",
    rows=briefings,
    columns=(
        text(_("Title"), "title", 32),
        date(_("First day"), "starts_on"),
        date(_("Last day"), "ends_on"),
        choice(_("Status"), "status", Briefing.Status.choices, 10),
        text(_("Venue"), "venue", 24),
        number(_("Venue capacity"), "venue_capacity", 9),
        number(_("Participants"), "participant_count", 9),
        number(_("Sessions"), "session_count", 9),
        number(_("Attendance needed to complete (percent of hours)"), "completion_share", 10),
    ),
)

INSTRUCTORS = ExportSpec(
    name="instructors",
    title=_("Instructors"),
    permissions=("briefing.view",),
    page="companions:instructor_list",
    rows=instructors,
    columns=(
        text(_("Name"), "name", 28),
        text(_("Institution"), "institution", 28),
        text(_("Expertise"), "expertise", 28),
        number(_("Sessions"), "session_count", 9),
    ),
)

CALLS = ExportSpec(
    name="calls",
    title=_("Recruitment calls"),
    permissions=("recruitment.view",),
    page="companions:call_list",
    rows=calls,
    columns=(
        text(_("Title"), "title", 32),
        date(_("Applications from"), "opens_on"),
        date(_("Applications until"), "closes_on"),
        choice(_("Status"), "status", Call.Status.choices, 10),
        number(_("Applications"), "applications_count", 9),
    ),
)

APPLICATIONS = ExportSpec(
    name="applications",
    title=_("Applications"),
    permissions=("recruitment.view",),
    page="companions:application_list",
    rows=applications,
    columns=(
        ident(_("Reference"), "reference"),
        secret(_("NIK"), "nik"),
        text(_("Name"), "name", 28),
        choice(_("Sex"), "sex", Companion.Sex.choices, 10),
        date(_("Birth date"), "birth_date"),
        ident(_("Phone"), "phone"),
        choice(_("Education"), "education", Companion.Education.choices, 22),
        text(_("Home village"), "home_desa__name", 20),
        text(_("Regency applied for"), "regency__name", 20),
        number(_("Years of experience"), "experience_years", 9),
        choice(_("Channel"), "channel", Application.Channel.choices),
        choice(_("Status"), "status", Application.Status.choices),
        number(_("Score"), "score", 8),
        number(_("Rank in regency"), "rank", 8),
        moment(_("Received"), "created_at"),
    ),
)

ROUNDS = ExportSpec(
    name="internship_rounds",
    title=_("Internship rounds"),
    permissions=("internship.view",),
    page="companions:round_list",
    rows=rounds,
    columns=(
        text(_("Title"), "title", 32),
        date(_("Start"), "starts_on"),
        date(_("End"), "ends_on"),
        choice(_("Status"), "status", InternshipRound.Status.choices, 10),
        number(_("Trainees per host"), "default_capacity", 9),
        number(_("Trainees"), "trainee_count", 9),
        number(_("Host places"), "slot_count", 9),
    ),
)

SPECS = (COMPANIONS, VISITS, APPRAISALS, BRIEFINGS, INSTRUCTORS, CALLS, APPLICATIONS, ROUNDS)
