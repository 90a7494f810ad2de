"""Activities under an agreement: added from the agreement's page (htmx swaps the list), deleted by a button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pendamping.accounts.web import require
from pendamping.core.web import add_service_errors, wants_partial
from pendamping.partnerships import services
from pendamping.partnerships.forms import ActivityForm
from pendamping.partnerships.selectors import agreement_groups
from pendamping.partnerships.views._common import fetch_activity, fetch_agreement
from pendamping.partnerships.views.agreements import detail_context

ALIASES = {"agreement": "__all__"}


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = fetch_agreement(request, pk)
    require(request.user, "partnership.change")
    form = ActivityForm(request.POST or None, groups=list(agreement_groups(agreement=agreement)))
    if form.is_valid():
        try:
            services.activity_add(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            if wants_partial(request):  # the list with the new row, and a fresh form
                return render(
                    request, "partnerships/agreement_detail.html#activities", detail_context(request, agreement)
                )
            messages.success(request, _("The activity was recorded."))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    if wants_partial(request):
        context = detail_context(request, agreement, activity_form=form)
        return render(request, "partnerships/agreement_detail.html#activities", context)
    return render(request, "partnerships/activity_form.html", {"form": form, "agreement": agreement})


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = fetch_activity(request, pk)
    require(request.user, "partnership.change")
    try:
        services.activity_delete(actor=request.user, activity=activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The activity was deleted."))
    return redirect("partnerships:agreement_detail", pk=activity.agreement_id)
