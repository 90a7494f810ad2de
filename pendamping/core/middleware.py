from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
