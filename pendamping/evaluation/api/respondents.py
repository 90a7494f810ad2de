"""Respondents over the API. Only those who manage studies see who a respondent is; evaluators, officers
and auditors see the pseudonym, arm and regency, never a name, NIK or registry id."""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, Id, IdPath, Input, Paged, PageQuery, page_of
from pendamping.evaluation.selectors import (
    companions_for,
    identities_visible,
    respondent_get,
    study_balance,
    study_get,
    study_respondents,
)
from pendamping.evaluation.services import (
    respondent_add_external,
    respondent_remove,
    study_assign_respondents,
    study_design_match,
    study_design_randomise,
)

router = Router(tags=["evaluation: respondents"])

ArmCode = Literal["treatment", "control"]


RESPONDENT_ORDER: OrderKeys = {"pseudonym": "pseudonym", "arm": "arm__code", "created_at": "created_at", "id": "pk"}


class RespondentQuery(PageQuery):
    arm: ArmCode | Literal[""] = ""
    q: str = Field("", description="Start of the pseudonym (names too, for those who manage studies)")
    ordering: str | None = ordering_field(RESPONDENT_ORDER)


class AssignIn(Input):
    arm: ArmCode
    companion_ids: list[Id] = Field(min_length=1, max_length=1000)


class ExternalIn(Input):
    arm: ArmCode
    name: str = Field(max_length=120)
    ref: str = Field(max_length=60, description="A NIK or staff number: keeps the person from being added twice")
    regency_code: str = Field("", max_length=5)


class RandomiseIn(Input):
    companion_ids: list[Id] = Field(min_length=2, max_length=5000)
    seed: int = Field(ge=0, le=2**32 - 1, description="The same companions and seed give the same arms")
    stratify: bool = Field(True, description="Permuted blocks within each regency")


class MatchIn(Input):
    candidate_ids: list[Id] = Field(min_length=1, max_length=5000, description="Control candidates (companions)")
    ratio: int = Field(1, ge=1, le=5)
    caliper: float | None = Field(None, ge=0)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    nullable = frozenset({"caliper"})


class RespondentOut(Schema):
    id: int
    pseudonym: str
    arm: str
    regency_code: str | None
    has_answers: bool | None = None
    kind: str | None = Field(None, description="companion or external (managers only)")
    name: str | None = Field(None, description="Managers only")
    companion_id: int | None = Field(None, description="Managers only")
    external_ref: str | None = Field(None, description="Managers only")


class MatchOut(Schema):
    treated_id: str
    control_ids: list[str]
    distances: list[float]
    exact: list[bool]
    note: str


class DesignOut(Schema):
    added: list[RespondentOut]
    arms: dict[str, str] = Field(description="companion id -> arm")
    matches: list[MatchOut] = Field(default_factory=list)


class BalanceRowOut(Schema):
    covariate: str
    kind: str
    means: dict[str, float]
    n: dict[str, int]
    smd: float | None = Field(description="Standardised mean difference, treatment minus control")
    variance_ratio: float | None
    imbalanced: bool


class BalanceOut(Schema):
    rows: list[BalanceRowOut]
    untestable: dict[str, str]


def respondent_out(respondent: Any, *, identities: bool) -> RespondentOut:
    companion = respondent.companion if identities else None
    return RespondentOut(
        id=respondent.pk,
        pseudonym=respondent.pseudonym,
        arm=respondent.arm.code,
        regency_code=respondent.regency_id,
        has_answers=getattr(respondent, "has_answers", None),
        kind=("companion" if companion else "external") if identities else None,
        name=(companion.name if companion else respondent.external_name) if identities else None,
        companion_id=companion.pk if companion else None,
        external_ref=(respondent.external_ref or None) if identities else None,
    )


def _companions(request: ApiRequest, ids: list[int], field: str) -> list[Any]:
    found = companions_for(user=request.auth, ids=ids)
    missing = sorted(set(ids) - {c.pk for c in found})
    if missing:
        raise ValidationError({field: _("No such companion (or not in your area): %(ids)s") % {"ids": missing[:10]}})
    return found


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None


@router.get(
    "/evaluation/studies/{study_id}/respondents",
    response={200: Paged[RespondentOut], **ERRORS},
    summary="A study's respondents (pseudonymised unless you manage studies)",
)
def respondent_index(request: ApiRequest, study_id: IdPath, query: Query[RespondentQuery]) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    identities = identities_visible(request.auth)
    qs = study_respondents(user=request.auth, study=study, arm=query.arm, q=query.q)
    qs = ordered(qs, query.ordering, allowed=RESPONDENT_ORDER)
    return page_of(qs, query, lambda r: respondent_out(r, identities=identities))


@router.post(
    "/evaluation/studies/{study_id}/respondents",
    response={201: list[RespondentOut], **ERRORS},
    summary="Put registry companions in an arm (a respondent cannot be in both arms)",
)
def respondent_assign(request: ApiRequest, study_id: IdPath, payload: AssignIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    require(request.auth, "evaluation.manage")
    people = _companions(request, payload.companion_ids, "companion_ids")
    added = study_assign_respondents(actor=request.auth, study=study, arm=payload.arm, companions=people)
    return Status(201, [respondent_out(r, identities=True) for r in added])


@router.post(
    "/evaluation/studies/{study_id}/respondents/external",
    response={201: RespondentOut, **ERRORS},
    summary="Add an external person (not in the registry) to an arm",
)
def respondent_external(request: ApiRequest, study_id: IdPath, payload: ExternalIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    respondent = respondent_add_external(actor=request.auth, study=study, **payload.model_dump())
    return Status(201, respondent_out(respondent, identities=True))


@router.delete(
    "/evaluation/studies/{study_id}/respondents/{respondent_id}",
    response={204: None, **ERRORS},
    summary="Take out a respondent who has no answers",
)
def respondent_delete(request: ApiRequest, study_id: IdPath, respondent_id: IdPath) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    respondent_remove(actor=request.auth, respondent=respondent_get(user=request.auth, study=study, pk=respondent_id))
    return Status(204, None)


@router.post(
    "/evaluation/studies/{study_id}/design/randomise",
    response={201: DesignOut, **ERRORS},
    summary="Assign companions to the arms at random, stratified by regency (reproducible seed)",
)
def design_randomise(request: ApiRequest, study_id: IdPath, payload: RandomiseIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    require(request.auth, "evaluation.manage")
    people = _companions(request, payload.companion_ids, "companion_ids")
    outcome = study_design_randomise(
        actor=request.auth, study=study, companions=people, seed=payload.seed, stratify=payload.stratify
    )
    added = [respondent_out(r, identities=True) for r in outcome.added]
    return Status(201, DesignOut(added=added, arms=outcome.arms))


@router.post(
    "/evaluation/studies/{study_id}/design/match",
    response={201: DesignOut, **ERRORS},
    summary="Match control candidates to the treatment arm (regency, education, experience)",
)
def design_match(request: ApiRequest, study_id: IdPath, payload: MatchIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    require(request.auth, "evaluation.manage")
    pool = _companions(request, payload.candidate_ids, "candidate_ids")
    outcome = study_design_match(
        actor=request.auth,
        study=study,
        candidates=pool,
        ratio=payload.ratio,
        caliper=payload.caliper,
        seed=payload.seed,
    )
    matches = [
        MatchOut(treated_id=m.treated_id, control_ids=list(m.control_ids), distances=list(m.distances),
                 exact=list(m.exact), note=m.note)
        for m in outcome.matches
    ]  # fmt: skip
    added = [respondent_out(r, identities=True) for r in outcome.added]
    return Status(201, DesignOut(added=added, arms=outcome.arms, matches=matches))


@router.get(
    "/evaluation/studies/{study_id}/balance",
    response={200: BalanceOut, **ERRORS},
    summary="Baseline balance of the arms (standardised mean differences)",
)
def study_balance_view(request: ApiRequest, study_id: IdPath) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    require(request.auth, "evaluation.view")
    report = study_balance(study=study)
    rows = [
        BalanceRowOut(
            covariate=r.covariate, kind=r.kind, means=r.means, n=r.n, smd=_finite(r.smd),
            variance_ratio=_finite(r.variance_ratio) if r.variance_ratio is not None else None, imbalanced=r.imbalanced,
        )
        for r in report.rows
    ]  # fmt: skip
    return BalanceOut(rows=rows, untestable=report.untestable)
