"""Recruitment reads, scoped. A call is the province's: officers and auditors see the calls that recruit in
their regencies, and of those only their regencies' quotas and applications. The public pages read the calls
that are not drafts, and nothing of the applications.

The pages and the API import the choices they show from here (a door reaches models only through services
and selectors)."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from pendamping.companions.models import Application, ApplicationScore, Call, CallQuota, Companion, Criterion
from pendamping.core.filters import Days, region_code

CallStatus = Call.Status
ApplicationStatus = Application.Status
Channel = Application.Channel
CriterionKind = Criterion.Kind
Education = Companion.Education
AUTOMATIC = Criterion.AUTOMATIC


def _codes(user: Any) -> list[str] | None:
    """The regencies a user's view of a call is limited to; None: the whole province."""
    return None if user.is_province_admin else list(user.regency_codes)


def _quotas(user: Any) -> QuerySet[CallQuota]:
    qs = CallQuota.objects.select_related("regency").order_by("regency_id")
    codes = _codes(user)
    return qs if codes is None else qs.filter(regency_id__in=codes)


@dataclass(frozen=True)
class CallFilters:
    status: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "CallFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})


def call_list(*, user: Any, filters: CallFilters | None = None) -> QuerySet[Call]:
    """The calls a user sees, with the number of applications they see in each and their quotas."""
    filters = filters or CallFilters()
    qs = Call.objects.visible_to(user)
    if filters.status in CallStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    codes = _codes(user)
    mine = Q() if codes is None else Q(applications__regency_id__in=codes)
    qs = qs.annotate(applications_count=Count("applications", filter=mine, distinct=True))
    return qs.prefetch_related(Prefetch("quotas", queryset=_quotas(user))).order_by("-opens_on", "-id")


def call_get(*, user: Any, pk: Any) -> Call:
    return Call.objects.visible_to(user).select_related("created_by").get(pk=pk)


def call_criteria(*, call: Call) -> list[Criterion]:
    return list(call.criteria.order_by("position", "id"))


def call_criterion_get(*, call: Call, pk: Any) -> Criterion:
    return call.criteria.get(pk=pk)


def call_regencies(*, user: Any, call: Call) -> list[tuple[str, str]]:
    """(code, name) of the regencies the call recruits in that the user works in (all for province roles)."""
    return [(q.regency_id, q.regency.name) for q in _quotas(user).filter(call=call)]


@dataclass(frozen=True)
class QuotaRow:
    regency_code: str
    regency_name: str
    quota: int
    applied: int
    submitted: int
    accepted: int
    waiting: int
    rejected: int

    @property
    def places_left(self) -> int:
        return max(0, self.quota - self.accepted)


def call_quota_counts(*, user: Any, call: Call) -> list[QuotaRow]:
    """Per regency of the call (those the user sees): the quota against the applications by status. Two
    queries, however many regencies."""
    statuses = {s: Count("id", filter=Q(status=s)) for s in ApplicationStatus.values}
    counts: dict[str, dict[str, Any]] = {
        row["regency_id"]: dict(row)
        for row in Application.objects.filter(call=call)
        .values("regency_id")
        .annotate(applied=Count("id"), **statuses)
        .order_by()
    }
    rows = []
    for quota in _quotas(user).filter(call=call):
        c: dict[str, Any] = counts.get(quota.regency_id, {})
        numbers = {s: int(c.get(s, 0)) for s in ApplicationStatus.values}
        rows.append(QuotaRow(quota.regency_id, quota.regency.name, quota.quota, int(c.get("applied", 0)), **numbers))
    return rows


def open_calls() -> QuerySet[Call]:
    """What the public list shows: open calls not yet past their closing date (those opening later too)."""
    today = timezone.localdate()
    qs = Call.objects.filter(status=CallStatus.OPEN, closes_on__gte=today)
    quotas = CallQuota.objects.select_related("regency").order_by("regency__name")
    return qs.prefetch_related(Prefetch("quotas", queryset=quotas)).order_by("closes_on", "id")


def public_call_get(*, pk: Any) -> Call:
    """A call as the public sees it: any but a draft (a closed call says when it closed)."""
    quotas = CallQuota.objects.select_related("regency").order_by("regency__name")
    qs = Call.objects.exclude(status=CallStatus.DRAFT).prefetch_related(Prefetch("quotas", queryset=quotas))
    return qs.get(pk=pk)


@dataclass(frozen=True)
class ApplicationFilters:
    regency: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "ApplicationFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})


def _search(qs: QuerySet[Application], q: str) -> QuerySet[Application]:
    """Six digits or more: a NIK prefix; anything else: part of the name, or the whole reference."""
    if q.isdigit() and len(q) >= 6:
        return qs.filter(nik__startswith=q)
    return qs.filter(Q(name__icontains=q) | Q(reference__iexact=q)) if q else qs


def application_list(*, user: Any, call: Call, filters: ApplicationFilters | None = None) -> QuerySet[Application]:
    """A call's applications the user sees, in ranking order per regency (unranked last), with their scores."""
    filters = filters or ApplicationFilters()
    qs: QuerySet[Application] = Application.objects.visible_to(user).filter(call=call)
    if len(filters.regency) == 5:
        qs = qs.filter(regency_id=filters.regency)
    if filters.status in ApplicationStatus.values:
        qs = qs.filter(status=filters.status)
    qs = _search(qs, filters.q)
    qs = qs.select_related("regency", "home_desa").prefetch_related("scores")
    return qs.order_by("regency_id", F("rank").asc(nulls_last=True), "created_at", "id")


@dataclass(frozen=True)
class AllApplicationFilters:
    """The filters of the list across calls; the dashboards link to it with these names. Malformed values are
    no filter (a forged one can narrow the list, never widen it past `visible_to`)."""

    regency: str = ""  # the regency applied for
    kecamatan: str = ""  # where the applicant lives
    desa: str = ""
    status: str = ""
    received_from: str = ""  # YYYY-MM-DD, inclusive, on the local date of created_at
    received_to: str = ""
    call: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "AllApplicationFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})


def _place(qs: QuerySet[Application], f: AllApplicationFilters) -> QuerySet[Application]:
    """A village or kecamatan selects the applicants living there, whatever regency they applied for: the
    dashboards count a kecamatan's applications so, and send its regency along only as the selects' parent."""
    desa, kecamatan = region_code(f.desa, 3), region_code(f.kecamatan, 2)
    if desa:
        qs = qs.filter(home_desa_id=desa)
    if kecamatan:
        qs = qs.filter(home_desa__parent_id=kecamatan)
    if not (desa or kecamatan) and (regency := region_code(f.regency, 1)):
        qs = qs.filter(regency_id=regency)
    return qs


def application_list_all(*, user: Any, filters: AllApplicationFilters) -> QuerySet[Application]:
    """The applications the user sees across calls, newest first. The dates are compared as the dashboards
    count them (created_at__date, in the local time zone), so a number there is the number of rows here."""
    qs = _place(Application.objects.visible_to(user), filters)
    if filters.status in ApplicationStatus.values:
        qs = qs.filter(status=filters.status)
    qs = qs.filter(Days.of(filters.received_from, filters.received_to).q("created_at__date"))
    if re.fullmatch(r"[0-9]{1,18}", filters.call):  # longer would not fit the bigint key
        qs = qs.filter(call_id=int(filters.call))
    qs = _search(qs, filters.q)
    qs = qs.select_related("call", "regency", "home_desa", "home_desa__parent")
    return qs.order_by("-created_at", "-id")


def call_choices(*, user: Any) -> list[tuple[str, str]]:
    """(pk, title) of the calls the user sees, newest first: the call filter of the list across calls."""
    calls = Call.objects.visible_to(user).order_by("-opens_on", "-id")
    return [(str(pk), title) for pk, title in calls.values_list("pk", "title")]


@dataclass(frozen=True)
class RankRow:
    application: Application
    scores: list[Decimal | None]  # one per criterion of the call, in the criteria's order
    missing: list[Criterion]  # the panel's criteria not scored yet (counted as 0 in the total)


def ranking_rows(applications: list[Application], criteria: list[Criterion]) -> list[RankRow]:
    """Rows of a ranking table from applications fetched by `application_list` (scores prefetched): no query."""
    rows = []
    for application in applications:
        scores = {s.criterion_id: s.value for s in application.scores.all()}
        missing = [c for c in criteria if not c.is_automatic and c.pk not in scores]
        rows.append(RankRow(application, [scores.get(c.pk) for c in criteria], missing))
    return rows


def application_get(*, user: Any, pk: Any) -> Application:
    related = ("call", "regency", "home_desa", "home_desa__parent", "companion", "decided_by", "created_by")
    return Application.objects.visible_to(user).select_related(*related).get(pk=pk)


def application_scores(*, application: Application) -> list[tuple[Criterion, ApplicationScore | None]]:
    """Each criterion of the application's call with the application's score on it (None: not scored)."""
    scores = {s.criterion_id: s for s in application.scores.select_related("entered_by")}
    return [(c, scores.get(c.pk)) for c in call_criteria(call=application.call)]


def companion_application(*, user: Any, companion: Companion) -> Application | None:
    """The application a companion was accepted from, if the user may see it."""
    qs = Application.objects.visible_to(user).filter(companion=companion).select_related("call", "regency")
    return qs.first()
