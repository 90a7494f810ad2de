"""The public recruitment pages (no login): the open calls, and the application form of a call with its
confirmation page (the reference number).

They work on a phone without JavaScript and show nothing from the database but calls, regency names and
region names. The anti-spam defences (core.antispam) stand in for a login, as on the public complaint form:
a honeypot, a signed form age and a per-client rate; a form sent twice (a phone retrying) gives the first
reference back instead of a second application."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.companions.forms.recruitment import PublicApplicationForm
from pendamping.companions.selectors.recruitment import open_calls, public_call_get
from pendamping.companions.services.recruitment import application_submit_public
from pendamping.core import antispam
from pendamping.core.antispam import PublicFormRefused
from pendamping.core.web import add_service_errors, found, wants_partial
from pendamping.regions.selectors import region_children

FORM = "application"  # the form name of the stamp and of the rate counter
ALIASES = {"regency_code": "regency"}
SELECTS = {"home_regency", "home_kecamatan"}  # the selects whose change asks for the next one's options


@require_GET
def public_calls(request: HttpRequest) -> HttpResponse:
    return render(request, "companions/public_apply_calls.html", {"calls": list(open_calls())})


def _submit(request: HttpRequest, call: Any, data: dict[str, Any]) -> str:
    """The application's reference; the defences raise PublicFormRefused, the service's rules ValidationError
    (the same form may then be corrected and sent again)."""
    return antispam.submission(request, FORM, lambda: str(application_submit_public(call=call, **data).reference))


def _options(request: HttpRequest) -> HttpResponse:
    """<option>s of the kecamatan (for a regency) or village (for a kecamatan) select, for htmx."""
    params = request.GET
    parent = str(params.get("home_kecamatan") or params.get("home_regency") or "")[:13]
    level = {5: "kecamatan", 8: "desa_kelurahan"}.get(len(parent), "")
    context = {
        "options": region_children(parent_code=parent, level=level) if level else [],
        "reset_desa": "home_regency" in params,
    }
    return render(request, "companions/public_apply.html#options", context)


def _form(request: HttpRequest, call: Any) -> PublicApplicationForm:
    regencies = [(q.regency_id, q.regency.name) for q in call.quotas.all()]
    url = reverse("companions:public_apply", kwargs={"pk": call.pk})
    if request.method == "POST" and "refresh" in request.POST:  # no JavaScript: fill the next select, check nothing
        initial = {k: v for k, v in request.POST.items() if k not in (antispam.STAMP, antispam.HONEYPOT)}
        return PublicApplicationForm(initial=initial, regencies=regencies, options_url=url)
    data = request.POST if request.method == "POST" else None
    return PublicApplicationForm(data, regencies=regencies, options_url=url)


def _limited(response: HttpResponse, retry_after: int | None) -> HttpResponse:
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def public_apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = found(public_call_get, pk=pk)
    if request.method == "GET" and wants_partial(request) and SELECTS & set(request.GET):
        return _options(request)
    form, retry_after = _form(request, call), None
    if form.is_bound and form.is_valid():
        if reference := antispam.replayed(request, FORM):
            return render(request, "companions/public_apply_done.html", {"call": call, "reference": reference})
        data = form.service_data()
        try:
            reference = _submit(request, call, data)
        except PublicFormRefused as exc:
            form.add_error(None, exc.messages)
            retry_after = exc.retry_after
            if exc.code in ("expired", "stamp"):
                form.restamp()
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            return render(request, "companions/public_apply_done.html", {"call": call, "reference": reference})
    today = timezone.localdate()
    context = {"call": call, "form": form, "accepting": call.is_open_on(today), "opens_later": today < call.opens_on}
    return _limited(render(request, "companions/public_apply.html", context), retry_after)


urlpatterns: list[URLPattern] = [
    path("apply/", public_calls, name="public_calls"),
    path("apply/<int:pk>/", public_apply, name="public_apply"),
]
