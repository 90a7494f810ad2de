"""API: a companion's path through the model, and the officer's deactivation and reactivation."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema

from pendamping.accounts.guards import require
from pendamping.companions.selectors import companion_get
from pendamping.companions.selectors.lifecycle import companion_path
from pendamping.companions.services.lifecycle import companion_deactivate, companion_reactivate
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input

router = Router(tags=["companions"])


class StepOut(Schema):
    status: str
    label: str
    at: dt.datetime
    by: str


class LifecycleOut(Schema):
    id: int
    status: str
    path: list[StepOut]


class DeactivateIn(Input):
    on: dt.date
    reason: str = Field(max_length=200)


class ReactivateIn(Input):
    """No fields: the request itself is the decision (any field sent is refused)."""


def _out(request: ApiRequest, pk: int) -> LifecycleOut:
    companion = companion_get(user=request.auth, pk=pk)
    steps = [StepOut(status=s.status, label=s.label, at=s.at, by=s.by) for s in companion_path(companion=companion)]
    return LifecycleOut(id=companion.pk, status=companion.status, path=steps)


@router.get("/companions/{companion_id}/path", response={200: LifecycleOut, **ERRORS}, summary="A companion's path")
def companion_path_detail(request: ApiRequest, companion_id: IdPath) -> Any:
    companion_get(user=request.auth, pk=companion_id)  # out of scope: 404 before the role is judged
    require(request.auth, "companion.view")
    return _out(request, companion_id)


@router.post(
    "/companions/{companion_id}/deactivate", response={200: LifecycleOut, **ERRORS}, summary="Deactivate a companion"
)
def companion_stop(request: ApiRequest, companion_id: IdPath, payload: DeactivateIn) -> Any:
    companion = companion_get(user=request.auth, pk=companion_id)
    companion_deactivate(actor=request.auth, companion=companion, on=payload.on, reason=payload.reason)
    return _out(request, companion_id)


@router.post(
    "/companions/{companion_id}/reactivate", response={200: LifecycleOut, **ERRORS}, summary="Reactivate a companion"
)
def companion_restart(request: ApiRequest, companion_id: IdPath, payload: ReactivateIn) -> Any:
    companion = companion_get(user=request.auth, pk=companion_id)
    companion_reactivate(actor=request.auth, companion=companion)
    return _out(request, companion_id)
