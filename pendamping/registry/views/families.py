"""Family pages: list (search, filters, htmx results), detail (numbers unmasked only for roles that need them,
each unmasked view audited), create, edit, delete; and the region option lists the forms' selects load."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.audit.services import audit_record
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial
from pendamping.regions.forms import regency_choices
from pendamping.regions.selectors import region_children, village_search
from pendamping.registry import services
from pendamping.registry.forms.families import FamilyFilterForm, FamilyForm, family_initial
from pendamping.registry.selectors import RegistryFilters, family_get, family_list, family_memberships


def fetch_family(request: HttpRequest, pk: int) -> Any:
    """The family if the user may see it; out of scope is indistinguishable from absent (404)."""
    return found(family_get, user=request.user, pk=pk)


@login_required
@require_GET
def family_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    form = FamilyFilterForm(request.GET, user=request.user)
    qs = family_list(user=request.user, filters=RegistryFilters.from_params(request.GET))
    context = {
        "form": form,
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_change": can(request.user, "family.change"),
    }
    template = "registry/family_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


def _detail_context(request: HttpRequest, family: Any, *, unmasked: bool = False) -> dict[str, Any]:
    return {
        "family": family,
        "unmasked": unmasked,
        "can_reveal": can(request.user, "nik.unmasked"),
        "memberships": family_memberships(family=family),
        "history": history_for(request.user, family),
        "can_change": can(request.user, "family.change"),
        "panels": panels.render("family_detail", request, family),
    }


@login_required
@require_GET
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = fetch_family(request, pk)
    require(request.user, "registry.view")
    return render(request, "registry/family_detail.html", _detail_context(request, family))


@login_required
@require_POST
def family_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full NIK and KK on demand; every such view is on the record (UU 27/2022 processing history)."""
    family = fetch_family(request, pk)
    require(request.user, "nik.unmasked")
    audit_record(actor=request.user, action="reveal", obj=family)
    template = "registry/family_detail.html"
    context = _detail_context(request, family, unmasked=True)
    return render(request, f"{template}#numbers" if wants_partial(request) else template, context)


def _saved(request: HttpRequest, family: Any, message: str) -> HttpResponse:
    messages.success(request, message)
    for warning in services.nik_warnings(family.nik):
        messages.warning(request, warning)
    return redirect("registry:family_detail", pk=family.pk)


@login_required
@require_http_methods(["GET", "POST"])
def family_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "family.change")
    form = FamilyForm(request.POST or None, user=request.user, creating=True)
    if form.is_valid():
        try:
            family = services.family_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, family, _("The family of %(name)s was registered.") % {"name": family.head_name})
    return render(request, "registry/family_form.html", {"form": form, "family": None})


@login_required
@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, pk: int) -> HttpResponse:
    family = fetch_family(request, pk)
    require(request.user, "family.change")
    form = FamilyForm(request.POST or None, initial=family_initial(family), user=request.user, creating=False)
    if request.method == "GET":
        audit_record(actor=request.user, action="reveal", obj=family)  # the form shows the full KK number
    elif form.is_valid():
        try:
            family = services.family_update(actor=request.user, family=family, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, family, _("The changes were saved."))
    return render(request, "registry/family_form.html", {"form": form, "family": family})


@login_required
@require_http_methods(["GET", "POST"])
def family_delete(request: HttpRequest, pk: int) -> HttpResponse:
    family = fetch_family(request, pk)
    require(request.user, "family.change")
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.family_delete(actor=request.user, family=family)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The family record of %(name)s was deleted.") % {"name": family.head_name})
            return redirect("registry:family_list")
    return render(request, "registry/family_delete.html", {"family": family, "errors": errors})


@login_required
@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the kecamatan (for a regency code) or desa (for a kecamatan code) select, limited to the
    user's regencies. Takes `parent`, or the value of the select that changed (`regency`, `kecamatan`)."""
    params = request.GET
    parent = str(params.get("parent") or params.get("kecamatan") or params.get("regency") or "")[:13]
    level = {5: "kecamatan", 8: "desa_kelurahan"}.get(len(parent), "")
    allowed = level and parent[:5] in dict(regency_choices(request.user))
    context = {
        "options": region_children(parent_code=parent, level=level) if allowed else [],
        "blank": _("all") if params.get("blank") == "all" else _("— choose —"),
        # A new regency empties the village list too, so no village of the old regency stays selected.
        "reset_desa": "regency" in params or level == "kecamatan",
    }
    response = render(request, "includes/region_options.html", context)
    # Tells a filter bar to refresh its results now that the child select holds valid options (filters.html).
    response["HX-Trigger-After-Settle"] = "regionsLoaded"
    return response


@login_required
@require_GET
def village_options(request: HttpRequest) -> HttpResponse:
    """<option>s for a <datalist> of villages matching `q` (name or code), within the user's regencies."""
    # The picker's input sends its own name (e.g. `home_desa`); `q` is for other callers.
    values = list(request.GET.values())
    q = str(request.GET.get("q") or (values[0] if len(values) == 1 else "")).strip()[:60]
    codes = None if request.user.is_province_admin else request.user.regency_codes  # type: ignore[union-attr]
    villages = village_search(query=q, regency_codes=codes) if len(q) >= 2 else []
    return render(request, "includes/village_options.html", {"villages": villages})


urlpatterns: list[URLPattern] = [
    path("families/", family_list_view, name="family_list"),
    path("families/new/", family_create, name="family_create"),
    path("families/<int:pk>/", family_detail, name="family_detail"),
    path("families/<int:pk>/reveal/", family_reveal, name="family_reveal"),
    path("families/<int:pk>/edit/", family_edit, name="family_edit"),
    path("families/<int:pk>/delete/", family_delete, name="family_delete"),
    path("regions/options/", region_options, name="region_options"),
    path("villages/", village_options, name="village_options"),
]
