"""Fetching evaluation rows for a page: out of scope is indistinguishable from absent (404)."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from pendamping.accounts.permissions import can
from pendamping.evaluation import selectors


def fetch_study(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.study_get(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def fetch_analysis(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.analysis_get(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def require_any(user: Any, *actions: str) -> None:
    if not any(can(user, action) for action in actions):
        raise PermissionDenied(_("Your role may not do this."))
