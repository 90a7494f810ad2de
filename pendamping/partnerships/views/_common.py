"""Fetching partnership rows for a page: out of scope is indistinguishable from absent (404)."""

from typing import Any

from django.http import HttpRequest

from pendamping.accounts.permissions import can
from pendamping.core.web import found
from pendamping.partnerships import selectors


def fetch_partner(request: HttpRequest, pk: int) -> Any:
    return found(selectors.partner_get, user=request.user, pk=pk)


def fetch_agreement(request: HttpRequest, pk: int) -> Any:
    return found(selectors.agreement_get, user=request.user, pk=pk)


def fetch_activity(request: HttpRequest, pk: int) -> Any:
    return found(selectors.activity_get, user=request.user, pk=pk)


def may_change_partner(user: Any, partner: Any) -> bool:
    """Officers change the partners of their regencies; a province-wide one is the provincial admins'."""
    if not can(user, "partnership.change"):
        return False
    return bool(user.is_province_admin or partner.regency_id in user.regency_codes)
