"""The stricter rate limits: the token endpoint (a password guess per request) and exports (a whole list per
request). Like the general ones in core.api_support they count in Django's default cache, which is the database
cache in every deployment (config.settings), so every web process and worker shares the same counters."""

import hashlib
import json

from django.http import HttpRequest

from pendamping.core.api_support import AnonThrottle, UserThrottle


def _username(request: HttpRequest) -> str:
    """The username the request tries, as sent in the JSON body; '' when the body is not JSON."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    value = body.get("username", "") if isinstance(body, dict) else ""
    return value.strip().lower()[:150] if isinstance(value, str) else ""


class LoginThrottle(AnonThrottle):
    """Per client address and username together, on POST /api/auth/token (default 10 a minute, setting
    API_RATE_LOGIN). Together, because companions share carrier NAT addresses: one user's typing errors must not
    lock out the rest of a village. The address alone is still held to API_RATE_ANON by AnonThrottle, so guessing
    many usernames from one address does not get around it. django-axes locks out after repeated failures on top."""

    scope = "login"
    setting = "API_RATE_LOGIN"
    default = "10/min"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        # Hashed: a username may hold characters a cache key should not (spaces, accents).
        who = hashlib.sha256(f"{self.get_ident(request)}|{_username(request)}".encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": who}


class ExportThrottle(UserThrottle):
    """Per signed-in user, for endpoints that write a whole list (default 30 a minute, setting API_RATE_EXPORT)."""

    scope = "export"
    setting = "API_RATE_EXPORT"
    default = "30/min"
