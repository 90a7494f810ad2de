"""Dashboards are read far more often than their data changes, and a province board counts over millions of rows
(about two seconds at province scale). So a computed board is kept as a snapshot in the cache for
DASHBOARD_SNAPSHOT_SECONDS (default 15 minutes) and served from there, with the time it was counted shown on the
page; `pendamping refresh_dashboards` (run on a schedule) recounts the province and every regency before anyone
asks, and the page's "count again" button recounts one board at once.

A regency's or kecamatan's board is the same for everyone allowed to see that regency (they see all of it), so
its snapshot is keyed by area alone; a province board depends on whose regencies it counts, so its key holds the
scope. Kecamatan boards list their KUBE live and are never kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from pendamping.dashboards.area import KECAMATAN, PROVINCE, Area
from pendamping.dashboards.board import Board, dashboard
from pendamping.dashboards.period import Period

VERSION = 3  # bump when Board's shape changes, so no stale pickle is read back


def _seconds() -> int:
    return int(getattr(settings, "DASHBOARD_SNAPSHOT_SECONDS", 15 * 60))


def _scope(user: Any) -> str:
    if getattr(user, "is_province_admin", False):
        return "all"
    return f"{user.role}:{','.join(sorted(user.regency_codes))}"


def snapshot_key(*, user: Any, area: Area, period: Period) -> str:
    who = _scope(user) if area.level == PROVINCE else "any"
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return f"dashboard:v{VERSION}:{who}:{area.code or 'province'}:{period.key}:{lang}"


def board_snapshot(*, user: Any, area: Area, period: Period, fresh: bool = False) -> tuple[Board, dt.datetime]:
    """The area's board and when it was counted: from the snapshot when one is kept, else counted now (and kept).
    `fresh` counts anew whatever is kept."""
    if area.level == KECAMATAN or _seconds() <= 0:
        return dashboard(user=user, area=area, period=period), timezone.now()
    key = snapshot_key(user=user, area=area, period=period)
    kept = None if fresh else cache.get(key)
    if kept is not None:
        return kept
    counted = (dashboard(user=user, area=area, period=period), timezone.now())
    cache.set(key, counted, _seconds())
    return counted
