from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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
