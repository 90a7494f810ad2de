"""Partnerships over the API: partners, agreements with the KUBE they cover, activities, and the indicators.
The same services and selectors as the pages; a row out of scope is a 404, a refused rule a 400."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import (
    ERRORS,
    MAX_ID,
    ApiRequest,
    Id,
    IdPath,
    Input,
    Money,
    Paged,
    PageQuery,
    QueryInput,
    build,
    fields_as,
    page_of,
    referenced,
)
from pendamping.partnerships import services
from pendamping.partnerships.selectors import (
    AgreementFilters,
    PartnerFilters,
    activity_get,
    agreement_activities,
    agreement_get,
    agreement_groups,
    agreement_list,
    partner_get,
    partner_list,
    partnership_coverage,
)

router = Router(tags=["partnerships"])

PartnerType = Literal["government", "private", "community"]
Scope = Literal["capital", "marketing", "training", "supply", "mentoring"]
NAMES = {"regency": "regency_code", "partner": "partner_id", "groups": "group_ids", "group": "group_id"}


# --- partners -------------------------------------------------------------------------------------------


PARTNER_ORDER: OrderKeys = {
    "name": "name",
    "type": "type",
    "regency": "regency_id",
    "created_at": "created_at",
    "id": "pk",
}


class PartnerQuery(PageQuery):
    q: str = Field("", description="Name or sector")
    type: PartnerType | Literal[""] = ""
    regency: str = Field("", description="A regency code (35.78), or 'province' for the province-wide partners")
    ordering: str | None = ordering_field(PARTNER_ORDER)


class PartnerIn(Input):
    name: str = Field(max_length=160)
    type: PartnerType
    regency_code: str | None = Field(None, max_length=5, description="Empty: province-wide (admins only)")
    sector: str = Field("", max_length=120)
    contact_name: str = Field("", max_length=120)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=200)

    nullable = frozenset({"regency_code"})


class PartnerPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    name: str | None = Field(None, max_length=160)
    type: PartnerType | None = None
    regency_code: str | None = Field(None, max_length=5, description="null: make it province-wide (admins only)")
    sector: str | None = Field(None, max_length=120)
    contact_name: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=200)

    nullable = frozenset({"regency_code"})


class PartnerOut(Schema):
    id: int
    name: str
    type: str
    sector: str
    regency_code: str | None = Field(description="None: a province-wide partner")
    regency_name: str | None
    contact_name: str
    phone: str
    email: str
    address: str
    agreement_count: int | None = Field(None, description="Agreements with this partner that you can see")
    version: int


def partner_out(p: Any) -> PartnerOut:
    regency = {"regency_code": p.regency_id, "regency_name": p.regency.name if p.regency_id else None}
    return build(PartnerOut, p, agreement_count=getattr(p, "agreement_count", None), **regency)


@router.get("/partners", response={200: Paged[PartnerOut], **ERRORS}, summary="List partners")
def partner_index(request: ApiRequest, query: Query[PartnerQuery]) -> Any:
    require(request.auth, "partnership.view")
    filters = PartnerFilters(q=query.q, type=query.type, regency=query.regency)
    qs = ordered(partner_list(user=request.auth, filters=filters), query.ordering, allowed=PARTNER_ORDER)
    return page_of(qs, query, partner_out)


@router.get("/partners/{partner_id}", response={200: PartnerOut, **ERRORS}, summary="One partner")
def partner_detail(request: ApiRequest, partner_id: IdPath) -> Any:
    partner = partner_get(user=request.auth, pk=partner_id)
    require(request.auth, "partnership.view")
    return partner_out(partner)


@router.post("/partners", response={201: PartnerOut, **ERRORS}, summary="Register a partner")
def partner_new(request: ApiRequest, payload: PartnerIn) -> Any:
    with fields_as(**NAMES):
        partner = services.partner_create(actor=request.auth, **payload.model_dump())
    return Status(201, partner_out(partner_get(user=request.auth, pk=partner.pk)))


@router.patch("/partners/{partner_id}", response={200: PartnerOut, **ERRORS}, summary="Change a partner")
def partner_edit(request: ApiRequest, partner_id: IdPath, payload: PartnerPatch) -> Any:
    partner = partner_get(user=request.auth, pk=partner_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    with fields_as(**NAMES):
        services.partner_update(actor=request.auth, partner=partner, version=payload.version, **data)
    return partner_out(partner_get(user=request.auth, pk=partner_id))


# --- agreements -----------------------------------------------------------------------------------------


AGREEMENT_ORDER: OrderKeys = {
    "start_on": "start_on",
    "end_on": "end_on",
    "title": "title",
    "value": "value",
    "partner": "partner__name",
    "id": "pk",
}


class AgreementQuery(PageQuery):
    q: str = Field("", description="Title, partner name or document reference")
    partner_id: int | None = Field(None, ge=1, le=MAX_ID)
    regency: str = ""
    scope: Scope | Literal[""] = ""
    active_on: dt.date | None = Field(None, description="Agreements running on this day")
    group_id: int | None = Field(None, ge=1, le=MAX_ID, description="Agreements covering this KUBE")
    ordering: str | None = ordering_field(AGREEMENT_ORDER)


class AgreementIn(Input):
    partner_id: Id
    regency_code: str = Field(max_length=5, description="The regency whose KUBE the agreement covers")
    title: str = Field(max_length=200)
    group_ids: list[Id] = Field(max_length=500, description="KUBE covered, all of the agreement's regency")
    scopes: list[str] = Field(max_length=5, description="Any of: capital, marketing, training, supply, mentoring")
    start_on: dt.date
    end_on: dt.date
    value: Money | None = Field(None, description="Whole rupiah, if the agreement has a value")
    document_ref: str = Field("", max_length=120)

    nullable = frozenset({"value"})


class AgreementPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(None, max_length=200)
    group_ids: list[Id] | None = Field(None, max_length=500)
    scopes: list[str] | None = Field(None, max_length=5)
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    value: Money | None = Field(None, description="null: no value")
    document_ref: str | None = Field(None, max_length=120)

    nullable = frozenset({"value"})


class GroupRef(Schema):
    id: int
    code: str
    name: str


class AgreementOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    regency_code: str
    regency_name: str
    title: str
    scopes: list[str]
    start_on: dt.date
    end_on: dt.date
    value: int | None
    document_ref: str
    group_count: int
    version: int
    created_at: dt.datetime


class AgreementDetailOut(AgreementOut):
    groups: list[GroupRef]


def agreement_out(a: Any, *, groups: list[Any] | None = None) -> AgreementOut:
    """A list row (the selector annotates `group_count`) or, with its KUBE, the detail."""
    names = {"partner_name": a.partner.name, "regency_code": a.regency_id, "regency_name": a.regency.name}
    if groups is None:
        return build(AgreementOut, a, scopes=a.scopes(), **names)
    covered = [build(GroupRef, g) for g in groups]
    return build(AgreementDetailOut, a, scopes=a.scopes(), group_count=len(covered), groups=covered, **names)


def _agreement_detail(request: ApiRequest, pk: int) -> AgreementOut:
    agreement = agreement_get(user=request.auth, pk=pk)
    return agreement_out(agreement, groups=list(agreement_groups(agreement=agreement)))


def _agreement_data(payload: AgreementIn | AgreementPatch) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"version", "partner_id", "regency_code"})
    if "group_ids" in data:
        data["groups"] = data.pop("group_ids")
    return data


@router.get("/agreements", response={200: Paged[AgreementOut], **ERRORS}, summary="List agreements")
def agreement_index(request: ApiRequest, query: Query[AgreementQuery]) -> Any:
    require(request.auth, "partnership.view")
    filters = AgreementFilters(
        q=query.q,
        partner_id=query.partner_id,
        regency=query.regency,
        scope=query.scope,
        active_on=query.active_on,
        group_id=query.group_id,
    )
    qs = ordered(agreement_list(user=request.auth, filters=filters), query.ordering, allowed=AGREEMENT_ORDER)
    return page_of(qs, query, agreement_out)


@router.get("/agreements/{agreement_id}", response={200: AgreementDetailOut, **ERRORS}, summary="One agreement")
def agreement_detail(request: ApiRequest, agreement_id: IdPath) -> Any:
    detail = _agreement_detail(request, agreement_id)
    require(request.auth, "partnership.view")
    return detail


@router.post("/agreements", response={201: AgreementDetailOut, **ERRORS}, summary="Record an agreement")
def agreement_new(request: ApiRequest, payload: AgreementIn) -> Any:
    """The KUBE covered must be of the agreement's regency; the partner of that regency or province-wide."""
    partner = referenced(partner_get, field="partner_id", user=request.auth, pk=payload.partner_id)
    data = {**_agreement_data(payload), "value": payload.value}
    with fields_as(**NAMES):
        agreement = services.agreement_create(
            actor=request.auth, partner=partner, regency_code=payload.regency_code, **data
        )
    return Status(201, _agreement_detail(request, agreement.pk))


@router.patch("/agreements/{agreement_id}", response={200: AgreementDetailOut, **ERRORS}, summary="Change an agreement")
def agreement_edit(request: ApiRequest, agreement_id: IdPath, payload: AgreementPatch) -> Any:
    """Its terms, and with `group_ids` the KUBE it covers; the partner and the regency stay."""
    agreement = agreement_get(user=request.auth, pk=agreement_id)
    with fields_as(**NAMES):
        services.agreement_update(
            actor=request.auth, agreement=agreement, version=payload.version, **_agreement_data(payload)
        )
    return _agreement_detail(request, agreement_id)


# --- activities -----------------------------------------------------------------------------------------


class ActivityIn(Input):
    on: dt.date
    description: str = Field(max_length=300)
    value: Money = Field(0, description="Sales or value through the partner, whole rupiah")
    group_id: Id | None = Field(None, description="One of the KUBE covered; null: the whole agreement")

    nullable = frozenset({"group_id"})


class ActivityOut(Schema):
    id: int
    agreement_id: int
    group_id: int | None
    group_name: str | None
    on: dt.date
    description: str
    value: int
    created_at: dt.datetime


def activity_out(a: Any) -> ActivityOut:
    return build(ActivityOut, a, group_name=a.group.name if a.group_id else None)


@router.get(
    "/agreements/{agreement_id}/activities",
    response={200: list[ActivityOut], **ERRORS},
    summary="An agreement's activities, newest first",
)
def activity_index(request: ApiRequest, agreement_id: IdPath) -> Any:
    agreement = agreement_get(user=request.auth, pk=agreement_id)
    require(request.auth, "partnership.view")
    return [activity_out(a) for a in agreement_activities(agreement=agreement)]


@router.post(
    "/agreements/{agreement_id}/activities", response={201: ActivityOut, **ERRORS}, summary="Record an activity"
)
def activity_new(request: ApiRequest, agreement_id: IdPath, payload: ActivityIn) -> Any:
    """Dated between the agreement's start and today; for a KUBE the agreement covers, or for all of it."""
    agreement = agreement_get(user=request.auth, pk=agreement_id)
    with fields_as(**NAMES):
        activity = services.activity_add(
            actor=request.auth,
            agreement=agreement,
            on=payload.on,
            description=payload.description,
            value=payload.value,
            group=payload.group_id,
        )
    return Status(201, activity_out(activity_get(user=request.auth, pk=activity.pk)))


@router.delete("/activities/{activity_id}", response={204: None, **ERRORS}, summary="Delete an activity")
def activity_remove(request: ApiRequest, activity_id: IdPath) -> Any:
    services.activity_delete(actor=request.auth, activity=activity_get(user=request.auth, pk=activity_id))
    return Status(204, None)


# --- indicators -----------------------------------------------------------------------------------------


class CoverageQuery(QueryInput):
    on: dt.date | None = Field(None, description="Default: today")


class RegencyCoverageOut(Schema):
    code: str
    name: str
    active: int = Field(description="Active KUBE")
    covered: int = Field(description="Active KUBE with at least one agreement running on the day")
    share: float | None = Field(description="Percent covered; null when the regency has no active KUBE")


class PartnerTypeOut(Schema):
    type: str
    label: str
    partners: int
    engaged: int = Field(description="Partners with an agreement running on the day")


class CoverageOut(Schema):
    on: dt.date
    total: RegencyCoverageOut
    regencies: list[RegencyCoverageOut]
    by_type: list[PartnerTypeOut]


@router.get("/partnerships/coverage", response={200: CoverageOut, **ERRORS}, summary="Partnership indicators")
def coverage(request: ApiRequest, query: Query[CoverageQuery]) -> Any:
    """Per regency in your scope: active KUBE and those with a running partnership; partners by type."""
    require(request.auth, "partnership.view")
    result = partnership_coverage(user=request.auth, on=query.on)
    return CoverageOut(
        on=result.on,
        total=build(RegencyCoverageOut, result.total),
        regencies=[build(RegencyCoverageOut, r) for r in result.regencies],
        by_type=[build(PartnerTypeOut, t) for t in result.by_type],
    )
