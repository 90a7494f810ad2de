"""The signed-in user's own account page: their role, regencies and API tokens."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pendamping.accounts import services
from pendamping.accounts.forms import TokenForm


def _context(request: HttpRequest, form: TokenForm, raw_token: str = "") -> dict[str, Any]:  # nosec B107  # none
    user: Any = request.user
    return {
        "form": form,
        "raw_token": raw_token,
        "tokens": user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"),
        "regencies": user.regencies.order_by("code"),
    }


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", _context(request, TokenForm()))


@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/account.html", _context(request, form), status=400)
    _token, raw = services.token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
    # The raw token is rendered once, in this response only; it is never stored or put in a redirect.
    return render(request, "accounts/account.html", _context(request, TokenForm(), raw_token=raw))


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Only the caller's own live tokens: another user's id is indistinguishable from a missing one.
    if not services.token_revoke(user=request.user, token_id=token_id):  # type: ignore[arg-type]
        raise Http404
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:account")
