from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from pendamping.core.context import door

# No page loads anything from elsewhere; scripts only from our own static files.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    """Sets CSP and no-store (pages carry personal data) and tags the request's door for the audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = "api" if request.path.startswith("/api/") else "admin" if request.path.startswith("/admin/") else "web"
        with door(name):
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class CookieLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware follows the browser's Accept-Language, and many office browsers say en-US even
    though their users work in Indonesian; the default must be the office's language, not the browser's."""

    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class NulRefusalMiddleware:
    """A page request whose query string holds a NUL character is refused (400) before any view reads it.

    PostgreSQL text cannot hold NUL: a search, filter or ordering parameter carrying one (`?q=%00`) would reach a
    query and fail there as a server error (found by test_sql_injection.py, B2). The pages read their parameters
    in many places (forms, selectors, plain `request.GET.get`); one check here covers them all. The API refuses
    NUL in its own schemas, with its own error body, so /api/ is left to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("NUL characters are not allowed."), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
