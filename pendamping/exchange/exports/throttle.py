"""The export rate limit on the pages, counted together with the API's (core.api_throttles.ExportThrottle): the
same cache key per user, so switching doors does not double the allowance."""

import math
from typing import Any

from django.http import HttpRequest

from pendamping.core.api_throttles import ExportThrottle


class PageExportThrottle(ExportThrottle):
    """The API knows the user as `request.auth`; a page as `request.user`."""

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


_throttle = PageExportThrottle()


def retry_after(request: HttpRequest) -> int | None:
    """None when the export may go ahead (and counts it); else the seconds to wait."""
    if _throttle.allow_request(request):
        return None
    return max(1, math.ceil(_throttle.wait() or 1))
