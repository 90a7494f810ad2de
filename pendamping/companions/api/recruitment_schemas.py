"""Input and output shapes of the recruitment API, and the functions that build the outputs from rows (no
query: the selectors fetch what they read)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from pendamping.core.api_ordering import OrderKeys, ordering_field
from pendamping.core.api_support import MAX_ID, Id, Input, PageQuery, QueryInput, build
from pendamping.core.nik import mask_number

CallStatusLiteral = Literal["draft", "open", "screening", "decided"]
KindLiteral = Literal["education", "residence", "experience", "age", "interview", "written", "other"]
EducationLiteral = Literal["sd", "smp", "sma", "diploma", "s1", "s2"]
ApplicationStatusLiteral = Literal["submitted", "accepted", "waiting", "rejected"]


CALL_ORDER: OrderKeys = {
    "opens_on": "opens_on",
    "closes_on": "closes_on",
    "title": "title",
    "status": "status",
    "created_at": "created_at",
    "id": "pk",
}


class CallQuery(PageQuery):
    status: CallStatusLiteral | Literal[""] = ""
    q: str = Field("", description="Part of the title")
    ordering: str | None = ordering_field(CALL_ORDER)


class RankingQuery(QueryInput):
    regency: str = Field("", description="One regency of the call, e.g. 35.07")
    status: ApplicationStatusLiteral | Literal[""] = ""


class CriterionIn(Input):
    kind: KindLiteral
    weight: Decimal = Field(description="Above 0; the weights are relative (the default set adds up to 100)")
    label: str = Field("", max_length=120)
    params: dict[str, Any] = Field(default_factory=dict, description="The automatic kinds' rule parameters")


class CallIn(Input):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    opens_on: dt.date
    closes_on: dt.date
    quotas: dict[str, int] = Field(description='Regency code -> companions to recruit there, e.g. {"35.07": 4}')
    criteria: list[CriterionIn] | None = Field(None, description="Default set when absent")

    nullable = frozenset({"criteria"})


class CallPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    quotas: dict[str, int] | None = Field(None, description="Replaces every quota")


class CallStatusIn(Input):
    status: CallStatusLiteral = Field(description="The next step: draft → open → screening → decided")
    version: int | None = Field(None, ge=1, le=MAX_ID)


class ApplicationIn(Input):
    regency_code: str = Field(max_length=5, description="A regency of the call, in the officer's regencies")
    nik: str = Field(max_length=32, description="16 digits as text; sex and birth date come from it")
    name: str = Field(max_length=120)
    phone: str = Field(max_length=20)
    email: str = Field("", max_length=254)
    education: EducationLiteral
    home_desa_code: str = Field(max_length=20)
    experience_years: int = Field(0, ge=0, le=60)
    experience: str = Field("", max_length=3000)
    motivation: str = Field(max_length=3000)


class ScoreIn(Input):
    criterion_id: Id
    value: Decimal = Field(description="0-100")
    note: str = Field("", max_length=200)


class DecisionIn(Input):
    decision: Literal["accepted", "waiting", "rejected"]
    reason: str = Field(max_length=300)
    version: int | None = Field(None, ge=1, le=MAX_ID)


class RankIn(Input):
    regency_code: str | None = Field(None, max_length=5, description="One regency; default: all you work in")

    nullable = frozenset({"regency_code"})


class QuotaOut(Schema):
    regency_code: str
    regency_name: str
    quota: int
    applied: int
    submitted: int
    accepted: int
    waiting: int
    rejected: int


class CriterionOut(Schema):
    id: int
    kind: str
    label: str
    weight: Decimal
    params: dict[str, Any]
    automatic: bool


class CallOut(Schema):
    id: int
    title: str
    description: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    version: int


class CallDetailOut(CallOut):
    quotas: list[QuotaOut]
    criteria: list[CriterionOut]


class ApplicationScoreOut(Schema):
    criterion_id: int
    label: str
    automatic: bool
    value: Decimal | None
    note: str


class ApplicationOut(Schema):
    id: int
    reference: str
    call_id: int
    regency_code: str
    name: str
    nik: str = Field(description="Masked")
    sex: str
    birth_date: dt.date
    education: str
    home_desa_code: str
    experience_years: int
    channel: str
    status: str
    score: Decimal | None = Field(description="Weighted total (0-100) at the last ranking")
    rank: int | None = Field(description="Rank in the regency; equal totals share a rank")
    missing: list[int] = Field(description="Panel criteria not scored yet (count 0)")
    decision_reason: str
    companion_id: int | None
    version: int


class ApplicationDetailOut(ApplicationOut):
    phone: str
    email: str
    experience: str
    motivation: str
    decided_at: dt.datetime | None
    scores: list[ApplicationScoreOut]


class RegencyRankingOut(Schema):
    regency_code: str
    regency_name: str
    quota: int
    accepted: int
    applications: list[ApplicationOut]


class RankingOut(Schema):
    call_id: int
    status: str
    regencies: list[RegencyRankingOut]


def criterion_out(c: Any) -> CriterionOut:
    return build(CriterionOut, c, automatic=c.is_automatic)


def quota_out(q: Any) -> QuotaOut:
    return build(QuotaOut, q)


def application_out(a: Any, missing: list[Any]) -> ApplicationOut:
    return build(
        ApplicationOut,
        a,
        nik=mask_number(a.nik),
        regency_code=a.regency_id,
        home_desa_code=a.home_desa_id,
        missing=[c.pk for c in missing],
    )


def application_detail_out(a: Any, scores: list[tuple[Any, Any]]) -> ApplicationDetailOut:
    missing = [c for c, s in scores if s is None and not c.is_automatic]
    rows = [
        ApplicationScoreOut(
            criterion_id=c.pk,
            label=c.label,
            automatic=c.is_automatic,
            value=s.value if s else None,
            note=s.note if s else "",
        )
        for c, s in scores
    ]
    base = application_out(a, missing).model_dump()
    extra = {name: getattr(a, name) for name in ("phone", "email", "experience", "motivation", "decided_at")}
    return ApplicationDetailOut(**base, **extra, scores=rows)
