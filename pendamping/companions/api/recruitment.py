"""Recruitment over the API: calls with their quotas and criteria, an officer's entry of an applicant, the
ranking per regency, the panel's scores and the decisions. There is no public API: the public applies through
the public form, behind its anti-spam defences.

Every path with a key fetches the row through its scoped selector first: out of scope answers 404."""

from typing import Any

from ninja import Query, Router, Status

from pendamping.accounts.guards import require
from pendamping.companions.api.recruitment_schemas import (
    CALL_ORDER,
    ApplicationDetailOut,
    ApplicationIn,
    CallDetailOut,
    CallIn,
    CallOut,
    CallPatch,
    CallQuery,
    CallStatusIn,
    DecisionIn,
    RankIn,
    RankingOut,
    RankingQuery,
    RegencyRankingOut,
    ScoreIn,
    application_detail_out,
    application_out,
    criterion_out,
    quota_out,
)
from pendamping.companions.selectors.recruitment import (
    ApplicationFilters,
    CallFilters,
    application_get,
    application_list,
    application_scores,
    call_criteria,
    call_criterion_get,
    call_get,
    call_list,
    call_quota_counts,
    ranking_rows,
)
from pendamping.companions.services.recruitment import (
    application_decide,
    application_enter,
    application_score_set,
    applications_rank,
    call_create,
    call_set_status,
    call_update,
)
from pendamping.core.api_ordering import ordered
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Paged, build, fields_as, page_of, referenced

router = Router(tags=["recruitment"])
QUOTA_FIELDS = {"regency": "regency_code"}


def _call(request: ApiRequest, pk: int) -> Any:
    call = call_get(user=request.auth, pk=pk)
    require(request.auth, "recruitment.view")
    return call


def _call_detail(request: ApiRequest, pk: int) -> CallDetailOut:
    call = _call(request, pk)
    quotas = [quota_out(q) for q in call_quota_counts(user=request.auth, call=call)]
    criteria = [criterion_out(c) for c in call_criteria(call=call)]
    return build(CallDetailOut, call, quotas=quotas, criteria=criteria)


def _application(request: ApiRequest, pk: int) -> Any:
    application = application_get(user=request.auth, pk=pk)
    require(request.auth, "recruitment.view")
    return application


def _application_detail(request: ApiRequest, pk: int) -> ApplicationDetailOut:
    application = _application(request, pk)
    return application_detail_out(application, application_scores(application=application))


@router.get("/calls", response={200: Paged[CallOut], **ERRORS}, summary="List recruitment calls")
def call_index(request: ApiRequest, query: Query[CallQuery]) -> Any:
    require(request.auth, "recruitment.view")
    qs = call_list(user=request.auth, filters=CallFilters(status=query.status, q=query.q))
    return page_of(ordered(qs, query.ordering, allowed=CALL_ORDER), query, lambda c: build(CallOut, c))


@router.post("/calls", response={201: CallDetailOut, **ERRORS}, summary="Create a call (a draft)")
def call_new(request: ApiRequest, payload: CallIn) -> Any:
    data = payload.model_dump()
    call = call_create(actor=request.auth, **data)
    return Status(201, _call_detail(request, call.pk))


@router.get("/calls/{call_id}", response={200: CallDetailOut, **ERRORS}, summary="One call: quotas and criteria")
def call_detail(request: ApiRequest, call_id: IdPath) -> Any:
    return _call_detail(request, call_id)


@router.patch("/calls/{call_id}", response={200: CallDetailOut, **ERRORS}, summary="Change a call")
def call_edit(request: ApiRequest, call_id: IdPath, payload: CallPatch) -> Any:
    call = _call(request, call_id)
    call_update(actor=request.auth, call=call, **payload.model_dump(exclude_none=True))
    return _call_detail(request, call_id)


@router.post("/calls/{call_id}/status", response={200: CallDetailOut, **ERRORS}, summary="Move a call on")
def call_status(request: ApiRequest, call_id: IdPath, payload: CallStatusIn) -> Any:
    """draft → open → screening → decided, one step at a time; a decided call is final."""
    call = _call(request, call_id)
    call_set_status(actor=request.auth, call=call, status=payload.status, version=payload.version)
    return _call_detail(request, call_id)


def _ranking(request: ApiRequest, call: Any, filters: ApplicationFilters) -> RankingOut:
    criteria = call_criteria(call=call)
    rows = ranking_rows(list(application_list(user=request.auth, call=call, filters=filters)), criteria)
    regencies = []
    for quota in call_quota_counts(user=request.auth, call=call):
        if filters.regency and quota.regency_code != filters.regency:
            continue
        mine = [
            application_out(r.application, r.missing) for r in rows if r.application.regency_id == quota.regency_code
        ]
        regencies.append(
            RegencyRankingOut(
                regency_code=quota.regency_code,
                regency_name=quota.regency_name,
                quota=quota.quota,
                accepted=quota.accepted,
                applications=mine,
            )
        )
    return RankingOut(call_id=call.pk, status=call.status, regencies=regencies)


@router.get(
    "/calls/{call_id}/applications",
    response={200: RankingOut, **ERRORS},
    summary="A call's applications, ranked per regency",
)
def application_index(request: ApiRequest, call_id: IdPath, query: Query[RankingQuery]) -> Any:
    """Grouped by regency (those you work in), each in rank order with its quota; unranked applications last."""
    call = _call(request, call_id)
    return _ranking(request, call, ApplicationFilters(regency=query.regency, status=query.status))


@router.post(
    "/calls/{call_id}/applications",
    response={201: ApplicationDetailOut, **ERRORS},
    summary="Enter an applicant (officers, for their regencies)",
)
def application_new(request: ApiRequest, call_id: IdPath, payload: ApplicationIn) -> Any:
    call = _call(request, call_id)
    with fields_as(**QUOTA_FIELDS):
        application = application_enter(actor=request.auth, call=call, **payload.model_dump())
    return Status(201, _application_detail(request, application.pk))


@router.post("/calls/{call_id}/rank", response={200: RankingOut, **ERRORS}, summary="Rank the applications again")
def call_rank(request: ApiRequest, call_id: IdPath, payload: RankIn) -> Any:
    """Stores each application's weighted total and rank in its regency; returns the ranking."""
    call = _call(request, call_id)
    applications_rank(actor=request.auth, call=call, regency_code=payload.regency_code)
    return _ranking(request, call, ApplicationFilters(regency=payload.regency_code or ""))


@router.get("/applications/{application_id}", response={200: ApplicationDetailOut, **ERRORS}, summary="One application")
def application_detail(request: ApiRequest, application_id: IdPath) -> Any:
    return _application_detail(request, application_id)


@router.post(
    "/applications/{application_id}/scores",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Enter a panel score (0-100)",
)
def application_score(request: ApiRequest, application_id: IdPath, payload: ScoreIn) -> Any:
    application = _application(request, application_id)
    criterion = referenced(call_criterion_get, field="criterion_id", call=application.call, pk=payload.criterion_id)
    with fields_as(criterion="criterion_id"):
        application_score_set(
            actor=request.auth, application=application, criterion=criterion, value=payload.value, note=payload.note
        )
    return _application_detail(request, application_id)


@router.post(
    "/applications/{application_id}/decision",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Accept, waiting list or reject, with a reason",
)
def application_decision(request: ApiRequest, application_id: IdPath, payload: DecisionIn) -> Any:
    """Accepting stays within the regency's quota and makes the applicant a companion candidate."""
    application = _application(request, application_id)
    application_decide(actor=request.auth, application=application, **payload.model_dump())
    return _application_detail(request, application_id)
