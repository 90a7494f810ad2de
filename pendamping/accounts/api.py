"""API authentication (bearer token or browser session) and the token and "who am I" endpoints."""

from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from pendamping.accounts.permissions import MATRIX, can
from pendamping.accounts.services import token_authenticate, token_create
from pendamping.core.api_support import AnonThrottle, ApiRequest, ErrorOut, Input, error_response
from pendamping.core.api_throttles import LoginThrottle

router = Router(tags=["auth"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pdp_…`. A request that sends a bearer token is judged by that token alone: a
    wrong one is a 401, it never falls back to a session cookie riding along. Other schemes (a proxy's
    Basic auth) are left to the session."""

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        if not raw.strip():
            raise AuthenticationError()
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(raw=token)
        if user is None:
            raise AuthenticationError()
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's session, with Django's CSRF check on unsafe methods. Only a signed-in session can be
    abused across sites, so the check runs for those; a request with no session is simply unauthenticated
    (401, not a confusing CSRF 403)."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."))
        return user


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    name: str = Field("api", max_length=100, description="A label to recognise the token by")


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; it is shown only this once")
    token_type: str = "bearer"
    name: str


class MeOut(Schema):
    id: int
    username: str
    role: str
    regencies: list[str]
    permissions: list[str]


@router.post(
    "/auth/token",
    auth=None,
    # Stricter than the rest: per address and username (LoginThrottle) besides per address (AnonThrottle).
    throttle=[AnonThrottle(), LoginThrottle()],
    response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    summary="Exchange a username and password for an API token",
)
def token_obtain(request: ApiRequest, payload: TokenIn) -> Any:
    # Passing the request lets django-axes count failures and lock out by username and address.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in the API's shape; otherwise axes' middleware swaps in its HTML lockout page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        return _locked_out(request)
    if user is None:
        return error_response(401, _("Wrong username or password."))
    token, raw = token_create(user=user, name=payload.name.strip() or "api")
    return Status(201, {"token": raw, "name": token.name})


def _locked_out(request: HttpRequest) -> HttpResponse:
    response = error_response(429, _("Too many failed sign-ins; try again later."))
    cool_off = get_cool_off(request)
    if cool_off is not None:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@router.get(
    "/me", response={200: MeOut, 401: ErrorOut, 429: ErrorOut}, summary="The signed-in user, their scope and rights"
)
def me(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "role": "admin" if user.is_superuser else user.role,
        "regencies": user.regency_codes,
        "permissions": sorted(action for action in MATRIX if can(user, action)),
    }
