"""Fetching evaluation rows for a page: out of scope is indistinguishable from absent (404)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pendamping.accounts.permissions import can
from pendamping.core.web import found
from pendamping.evaluation import selectors


def fetch_study(request: HttpRequest, pk: int) -> Any:
    return found(selectors.study_get, user=request.user, pk=pk)


def fetch_analysis(request: HttpRequest, pk: int) -> Any:
    return found(selectors.analysis_get, user=request.user, pk=pk)


def require_any(user: Any, *actions: str) -> None:
    if not any(can(user, action) for action in actions):
        raise PermissionDenied(_("Your role may not do this."))
