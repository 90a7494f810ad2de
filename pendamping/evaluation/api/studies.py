"""Studies over the API: list, read, create and change them, name evaluators, open and close them."""

import datetime as dt
from typing import Any, Literal

from django.contrib.auth import get_user_model
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
    Paged,
    PageQuery,
    build,
    fields_as,
    page_of,
    referenced,
)
from pendamping.evaluation.selectors import (
    identities_visible,
    instrument_get,
    respondent_of,
    study_arms,
    study_evaluators,
    study_get,
    study_list,
    study_waves,
)
from pendamping.evaluation.services import (
    WaveSpec,
    study_create,
    study_evaluator_add,
    study_evaluator_remove,
    study_set_status,
    study_update,
    wave_add,
)

router = Router(tags=["evaluation: studies"])

StudyStatus = Literal["draft", "collecting", "closed"]
Family = Literal["all", "per_aspect", "per_comparison"]
WaveCode = Field(max_length=20, pattern=r"^[a-z0-9_-]+$")


STUDY_ORDER: OrderKeys = {
    "title": "title",
    "status": "status",
    "starts_on": "starts_on",
    "created_at": "created_at",
    "id": "pk",
}


class StudyQuery(PageQuery):
    q: str = Field("", description="Words of the title")
    status: StudyStatus | Literal[""] = ""
    ordering: str | None = ordering_field(STUDY_ORDER)


class WaveIn(Input):
    code: str = WaveCode
    label: str = Field("", max_length=100)
    date: dt.date | None = None
    nullable = frozenset({"date"})


class StudyIn(Input):
    title: str = Field(max_length=200)
    instrument_id: Id
    description: str = Field("", max_length=5000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    alpha: float = Field(0.05, ge=0.001, le=0.2, description="Significance level")
    family: Family = Field("all", description="Multiplicity family for the Holm adjustment")
    waves: list[WaveIn] | None = Field(None, max_length=20, description="Default: pre and post")
    evaluator_ids: list[Id] = Field(default_factory=list, max_length=100, description="Users named on the study")
    nullable = frozenset({"starts_on", "ends_on", "waves"})


class StudyPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(None, max_length=200)
    instrument_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only while the study has no answers")
    description: str | None = Field(None, max_length=5000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    alpha: float | None = Field(None, ge=0.001, le=0.2)
    family: Family | None = None
    nullable = frozenset({"starts_on", "ends_on"})


class StudyStatusIn(Input):
    status: StudyStatus


class EvaluatorIn(Input):
    user_id: Id


class StudyOut(Schema):
    id: int
    title: str
    status: str
    instrument_id: int
    instrument_code: str
    instrument_version: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    alpha: float
    family: str
    n_respondents: int | None = None
    created_at: dt.datetime
    version: int


class ArmOut(Schema):
    code: str
    label: str
    n_respondents: int


class WaveOut(Schema):
    code: str
    label: str
    order: int
    date: dt.date | None


class EvaluatorOut(Schema):
    id: int
    username: str
    role: str


class StudyDetailOut(StudyOut):
    description: str
    arms: list[ArmOut]
    waves: list[WaveOut]
    evaluators: list[EvaluatorOut]
    my_respondent_id: int | None = Field(None, description="The signed-in companion's own respondent record")


def study_row(study: Any) -> StudyOut:
    instrument = study.instrument
    return build(
        StudyOut, study, instrument_code=instrument.code, instrument_version=instrument.version,
        n_respondents=getattr(study, "n_respondents", None),
    )  # fmt: skip


def study_detail_out(request: ApiRequest, pk: int) -> StudyDetailOut:
    study = study_get(user=request.auth, pk=pk)
    arms = [build(ArmOut, arm) for arm in study_arms(study=study)]
    evaluators = (
        [build(EvaluatorOut, user) for user in study_evaluators(study=study)]
        if identities_visible(request.auth)
        else []
    )
    mine = respondent_of(user=request.auth, study=study)
    return build(
        StudyDetailOut, study, instrument_code=study.instrument.code, instrument_version=study.instrument.version,
        n_respondents=sum(a.n_respondents for a in arms), arms=arms, evaluators=evaluators,
        waves=[build(WaveOut, w) for w in study_waves(study=study)], my_respondent_id=mine.pk if mine else None,
    )  # fmt: skip


def _user(pk: int) -> Any:
    return get_user_model().objects.get(pk=pk, is_active=True)


@router.get("/evaluation/studies", response={200: Paged[StudyOut], **ERRORS}, summary="List studies")
def study_index(request: ApiRequest, query: Query[StudyQuery]) -> Any:
    qs = study_list(user=request.auth, status=query.status, q=query.q)
    return page_of(ordered(qs, query.ordering, allowed=STUDY_ORDER), query, study_row)


@router.get("/evaluation/studies/{study_id}", response={200: StudyDetailOut, **ERRORS}, summary="One study")
def study_detail(request: ApiRequest, study_id: IdPath) -> Any:
    return study_detail_out(request, study_id)


@router.post("/evaluation/studies", response={201: StudyDetailOut, **ERRORS}, summary="Create a study (a draft)")
def study_new(request: ApiRequest, payload: StudyIn) -> Any:
    require(request.auth, "evaluation.manage")
    instrument = referenced(instrument_get, field="instrument_id", user=request.auth, pk=payload.instrument_id)
    evaluators = [referenced(_user, field="evaluator_ids", pk=pk) for pk in payload.evaluator_ids]
    data = payload.model_dump(exclude={"instrument_id", "waves", "evaluator_ids"})
    waves = [WaveSpec(w.code, w.label, w.date) for w in payload.waves] if payload.waves is not None else None
    with fields_as(user="evaluator_ids", instrument="instrument_id"):
        study = study_create(actor=request.auth, instrument=instrument, waves=waves, evaluators=evaluators, **data)
    return Status(201, study_detail_out(request, study.pk))


@router.patch("/evaluation/studies/{study_id}", response={200: StudyDetailOut, **ERRORS}, summary="Change a study")
def study_edit(request: ApiRequest, study_id: IdPath, payload: StudyPatch) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "instrument_id"})
    if payload.instrument_id is not None:
        data["instrument"] = referenced(
            instrument_get, field="instrument_id", user=request.auth, pk=payload.instrument_id
        )
    with fields_as(instrument="instrument_id"):
        study_update(actor=request.auth, study=study, version=payload.version, **data)
    return study_detail_out(request, study_id)


@router.post(
    "/evaluation/studies/{study_id}/status",
    response={200: StudyDetailOut, **ERRORS},
    summary="Open for answers (both arms need respondents), close, or reopen",
)
def study_status(request: ApiRequest, study_id: IdPath, payload: StudyStatusIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    study_set_status(actor=request.auth, study=study, status=payload.status)
    return study_detail_out(request, study_id)


@router.post("/evaluation/studies/{study_id}/waves", response={201: StudyDetailOut, **ERRORS}, summary="Add a wave")
def study_wave_add(request: ApiRequest, study_id: IdPath, payload: WaveIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    wave_add(actor=request.auth, study=study, code=payload.code, label=payload.label, date=payload.date)
    return Status(201, study_detail_out(request, study_id))


@router.post(
    "/evaluation/studies/{study_id}/evaluators",
    response={200: StudyDetailOut, **ERRORS},
    summary="Name a user (evaluator, officer or auditor) on the study",
)
def study_evaluator_new(request: ApiRequest, study_id: IdPath, payload: EvaluatorIn) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    user = referenced(_user, field="user_id", pk=payload.user_id)
    with fields_as(user="user_id"):
        study_evaluator_add(actor=request.auth, study=study, user=user)
    return study_detail_out(request, study_id)


@router.delete(
    "/evaluation/studies/{study_id}/evaluators/{user_id}",
    response={200: StudyDetailOut, **ERRORS},
    summary="Take a user off the study",
)
def study_evaluator_delete(request: ApiRequest, study_id: IdPath, user_id: IdPath) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    # Only the users named on this study can be taken off it; anyone else is not found (looked up before the
    # role check, like every object key, so the answer never depends on users outside the study).
    user = next((u for u in study_evaluators(study=study) if u.pk == user_id), None)
    if user is None:
        raise get_user_model().DoesNotExist
    require(request.auth, "evaluation.manage")
    with fields_as(user="user_id"):
        study_evaluator_remove(actor=request.auth, study=study, user=user)
    return study_detail_out(request, study_id)
