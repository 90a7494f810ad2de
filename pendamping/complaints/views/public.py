"""The public pages (no login): send a complaint, and look up its progress by reference number.

They work without JavaScript on a phone. They show nothing from the database but the regency names and, on
the status page, what the complainant may know of their own complaint (never an identity or an officer).
The anti-spam defences (core.antispam) stand in for a login: a honeypot, a signed form age and a per-client
rate; a form sent twice (a phone retrying) gives the first reference back instead of a second complaint."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.complaints import services
from pendamping.complaints.forms import LookupForm, PublicComplaintForm
from pendamping.complaints.selectors import public_status as status_of
from pendamping.core import antispam
from pendamping.core.antispam import PublicFormRefused
from pendamping.core.web import add_service_errors

FORM = "complaint"  # the form name of the stamp and of the rate counter of submissions
LOOKUP = "complaint_status"  # the rate counter of status lookups
FIELDS = (
    *("subject", "category", "description", "group_code", "subject_text"),
    *("anonymous", "complainant_name", "complainant_contact"),
)


def _submit(request: HttpRequest, data: dict[str, Any]) -> str:
    """The complaint's reference; refusals of the defences raise PublicFormRefused, the service's rules
    ValidationError (the same form may then be corrected and sent again)."""
    return antispam.submission(
        request,
        FORM,
        lambda: (
            services.complaint_submit_public(
                regency_code=data["regency"], **{name: data[name] for name in FIELDS}
            ).reference
        ),
    )


def _sent(request: HttpRequest, reference: str) -> HttpResponse:
    context = {"reference": reference, "due_days": settings.PENDAMPING["COMPLAINT_DUE_DAYS"]}
    return render(request, "complaints/public_done.html", context)


def _limited(response: HttpResponse, retry_after: int | None) -> HttpResponse:
    """A page refused by the rate limit says so in its status (429) and when to come back."""
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def public_new(request: HttpRequest) -> HttpResponse:
    form = PublicComplaintForm(request.POST if request.method == "POST" else None)
    retry_after = None
    if form.is_bound and form.is_valid():
        if reference := antispam.replayed(request, FORM):
            return _sent(request, reference)
        try:
            reference = _submit(request, form.cleaned_data)
        except PublicFormRefused as exc:
            form.add_error(None, exc.messages)
            retry_after = exc.retry_after
            if exc.code in ("expired", "stamp"):
                form.restamp()
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"regency_code": "regency"})
        else:
            return _sent(request, reference)
    return _limited(render(request, "complaints/public_form.html", {"form": form}), retry_after)


@require_GET
def public_status(request: HttpRequest) -> HttpResponse:
    """Looked up by a GET form, so the page can be bookmarked; every lookup counts against the client's rate,
    so references cannot be tried in bulk."""
    form = LookupForm(request.GET if "reference" in request.GET else None)
    found, retry_after = None, None
    if form.is_bound and form.is_valid():
        try:
            antispam.check_rate(request, LOOKUP)
        except PublicFormRefused as exc:
            form.add_error(None, exc.messages)
            retry_after = exc.retry_after
        else:
            antispam.count_public_submission(request, LOOKUP)
            found = status_of(reference=form.cleaned_data["reference"])
            if found is None:
                form.add_error("reference", _("No complaint has this reference number. Check it and try again."))
    context = {"form": form, "found": found}
    return _limited(render(request, "complaints/public_status.html", context), retry_after)
