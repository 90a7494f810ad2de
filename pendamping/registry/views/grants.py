"""Grant (bantuan stimulan) pages: the list, creation from a KUBE page, editing, tranche entry and the
second person's approval of a tranche. Their URL patterns are included by views/groups.py."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.web import require
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial
from pendamping.registry import services
from pendamping.registry.forms.groups import GrantFilterForm, GrantForm, TrancheForm
from pendamping.registry.selectors import RegistryFilters, grant_get, grant_list, group_get, tranche_get

GRANT_FIELDS = ("amount", "source", "year", "note")


def _fetch(getter: Any, request: HttpRequest, pk: int) -> Any:
    """A row through its scoped selector; out of scope is indistinguishable from absent (404)."""
    return found(getter, user=request.user, pk=pk)


@login_required
@require_GET
def grant_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    form = GrantFilterForm(request.GET, user=request.user)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    filters = RegistryFilters.from_params(request.GET)
    page = paginate(grant_list(user=request.user, filters=filters, year=year), page=request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [(g, g.disbursed or 0, g.amount - (g.disbursed or 0)) for g in page.items],
        "in_range": bool(filters.disbursed),  # each grant's `disbursed_in_range` is then shown beside its total
        "querystring": querystring(request),
    }
    template = "registry/grant_list.html#results" if wants_partial(request) else "registry/grant_list.html"
    return render(request, template, context)


TRANCHE_FIELDS = {"amount": "tranche_amount", "disbursed_on": "tranche_on"}


class TrancheRefused(Exception):
    """The first tranche was refused; its errors belong on the tranche fields, not on the grant's amount."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def _create(actor: Any, group: Any, data: dict[str, Any]) -> Any:
    """The grant and its optional first tranche, together or not at all."""
    with transaction.atomic():
        grant = services.grant_create(actor=actor, group=group, **{k: data[k] for k in GRANT_FIELDS})
        if data.get("tranche_amount"):
            try:
                services.tranche_add(
                    actor=actor, grant=grant, amount=data["tranche_amount"], disbursed_on=data["tranche_on"]
                )
            except ValidationError as exc:
                raise TrancheRefused(exc) from None
    return grant


@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _fetch(group_get, request, pk)
    require(request.user, "grant.change")
    form = GrantForm(request.POST or None)
    if form.is_valid():
        try:
            _create(request.user, group, form.cleaned_data)
        except TrancheRefused as refused:
            add_service_errors(form, refused.error, aliases=TRANCHE_FIELDS)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The grant was recorded."))
            return redirect("registry:group_detail", pk=group.pk)
    return render(request, "registry/grant_form.html", {"form": form, "group": group, "grant": None})


@login_required
@require_http_methods(["GET", "POST"])
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _fetch(grant_get, request, pk)
    require(request.user, "grant.change")
    initial = {k: getattr(grant, k) for k in (*GRANT_FIELDS, "version")}
    initial["amount"] = f"{grant.amount:,}".replace(",", ".")  # shown as people type it: 25.000.000
    form = GrantForm(request.POST or None, initial=initial, editing=True)
    if form.is_valid():
        try:
            services.grant_update(actor=request.user, grant=grant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The grant was saved."))
            return redirect("registry:group_detail", pk=grant.group_id)
    return render(request, "registry/grant_form.html", {"form": form, "group": grant.group, "grant": grant})


@login_required
@require_http_methods(["GET", "POST"])
def tranche_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _fetch(grant_get, request, pk)
    require(request.user, "grant.change")
    form = TrancheForm(request.POST or None)
    if form.is_valid():
        try:
            services.tranche_add(actor=request.user, grant=grant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The tranche was recorded. It counts as disbursed once someone else approves it.")
            )
            return redirect("registry:group_detail", pk=grant.group_id)
    remaining = grant.amount - sum(t.amount for t in grant.tranches.all())  # approved or not: both are promised
    return render(request, "registry/grant_tranche_form.html", {"form": form, "grant": grant, "remaining": remaining})


@login_required
@require_POST
def tranche_approve(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = _fetch(tranche_get, request, pk)
    require(request.user, "tranche.approve")
    try:
        services.tranche_approve(actor=request.user, tranche=tranche)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tranche %(n)s was approved: it now counts as disbursed.") % {"n": tranche.number})
    return redirect("registry:group_detail", pk=tranche.grant.group_id)


@login_required
@require_POST
def tranche_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = _fetch(tranche_get, request, pk)
    require(request.user, "grant.change")
    try:
        services.tranche_delete(actor=request.user, tranche=tranche)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tranche %(n)s was withdrawn.") % {"n": tranche.number})
    return redirect("registry:group_detail", pk=tranche.grant.group_id)


urlpatterns: list[URLPattern] = [
    path("grants/", grant_list_view, name="grant_list"),
    path("groups/<int:pk>/grants/new/", grant_create, name="grant_create"),
    path("grants/<int:pk>/edit/", grant_edit, name="grant_edit"),
    path("grants/<int:pk>/tranches/new/", tranche_add, name="tranche_add"),
    path("tranches/<int:pk>/approve/", tranche_approve, name="tranche_approve"),
    path("tranches/<int:pk>/withdraw/", tranche_delete, name="tranche_delete"),
]
