"""KUBE pages: list, detail (members, board, grants, companion, history), create, edit, status, delete,
and the member actions of the detail page. Grant pages live in views/grants.py."""

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
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, form_messages, found, querystring, wants_partial
from pendamping.registry import services
from pendamping.registry.forms.groups import (
    GroupFilterForm,
    GroupForm,
    GroupStatusForm,
    MemberAddForm,
    MemberEndForm,
    MemberRoleForm,
    board_first,
    board_seats,
)
from pendamping.registry.selectors import (
    RegistryFilters,
    families_addable,
    family_list,
    group_current_assignment,
    group_get,
    group_grants,
    group_list,
    group_members,
)
from pendamping.registry.views import grants

GROUP_FIELDS = (
    *("name", "sector", "sector_other", "founded_on", "scheme"),
    *("bank_name", "bank_account_number", "bank_account_name", "version"),
)
ROLE_CHOICES = MemberRoleForm.base_fields["role"].choices  # type: ignore[attr-defined]
OFFERED = 200  # families listed in the member picker; the search box narrows a bigger village


def fetch_group(request: HttpRequest, pk: int) -> Any:
    """The KUBE if the user may see it; out of scope is indistinguishable from absent (404)."""
    return found(group_get, user=request.user, pk=pk)


@login_required
@require_GET
def group_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    form = GroupFilterForm(request.GET, user=request.user)
    qs = group_list(user=request.user, filters=RegistryFilters.from_params(request.GET))
    context = {
        "form": form,
        "page": paginate(qs, page=request.GET.get("page")),
        "querystring": querystring(request),
        "can_change": can(request.user, "group.change"),
    }
    template = "registry/group_list.html#results" if wants_partial(request) else "registry/group_list.html"
    return render(request, template, context)


def _add_form(request: HttpRequest, group: Any, data: Any = None) -> MemberAddForm:
    visible = family_list(user=request.user, filters=RegistryFilters())
    offered = families_addable(user=request.user, group=group, limit=OFFERED)
    return MemberAddForm(data, visible=visible, offered=offered, auto_id="member_%s")


def _members_context(request: HttpRequest, group: Any, **extra: Any) -> dict[str, Any]:
    everyone = list(group_members(group=group, include_past=True))
    current = board_first([m for m in everyone if m.left_on is None])
    may = can(request.user, "membership.change")
    low, high = group.member_range()
    context = {
        "group": group,
        "members": current,
        "past_members": [m for m in everyone if m.left_on is not None],
        "board": board_seats(current),
        "member_range": (low, high),
        "can_members": may,
        "role_choices": ROLE_CHOICES,
        "add_form": _add_form(request, group) if may and len(current) < high else None,
        "member_errors": [],
    }
    return {**context, **extra}


def _belonging(group: Any, grants: list[Any]) -> list[Any]:
    """Rows whose changes are part of a KUBE's story: its memberships (past too), grants and tranches."""
    tranches = [t for g in grants for t in g.tranches.all()]  # prefetched by group_grants
    return [*group.memberships.all(), *grants, *tranches]


def _detail_context(request: HttpRequest, group: Any, **extra: Any) -> dict[str, Any]:
    annotated: list[Any] = list(group_grants(group=group))  # each with `disbursed`, the sum of its tranches
    grant_rows = [(g, g.disbursed or 0, g.amount - (g.disbursed or 0)) for g in annotated]
    totals = {
        "amount": sum(g.amount for g, _paid, _left in grant_rows),
        "disbursed": sum(paid for _g, paid, _left in grant_rows),
        "remaining": sum(left for _g, _paid, left in grant_rows),
    }
    user = request.user
    return {
        **_members_context(request, group),
        "grant_rows": grant_rows,
        "grant_totals": totals,
        "assignment": group_current_assignment(group=group),
        "history": history_for(user, group, related=_belonging(group, annotated)),
        "can_change": can(user, "group.change"),
        "can_grants": can(user, "grant.change"),
        "can_see_companions": can(user, "companion.view"),
        "panels": panels.render("group_detail", request, group),
        **extra,
    }


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch_group(request, pk)
    require(request.user, "registry.view")
    return render(request, "registry/group_detail.html", _detail_context(request, group))


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "group.change")
    form = GroupForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            group = services.group_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("KUBE %(name)s was created (code %(code)s).") % {"name": group.name, "code": group.code}
            )
            return redirect("registry:group_detail", pk=group.pk)
    return render(request, "registry/group_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch_group(request, pk)
    require(request.user, "group.change")
    initial = {k: getattr(group, k) for k in GROUP_FIELDS}
    form = GroupForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The KUBE was saved."))
            return redirect("registry:group_detail", pk=group.pk)
    return render(request, "registry/group_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def group_status(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch_group(request, pk)
    require(request.user, "group.change")
    form = GroupStatusForm(request.POST or None)
    if form.is_valid():
        try:
            group = services.group_set_status(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The KUBE's status is now: %(s)s.") % {"s": group.get_status_display()})
            return redirect("registry:group_detail", pk=group.pk)
    return render(request, "registry/group_status.html", {"form": form, "group": group})


@login_required
@require_POST
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch_group(request, pk)
    require(request.user, "group.change")
    try:
        services.group_delete(actor=request.user, group=group)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:group_detail", pk=group.pk)
    messages.success(request, _("KUBE %(name)s was deleted.") % {"name": group.name})
    return redirect("registry:group_list")


def _members_response(request: HttpRequest, group: Any, **extra: Any) -> HttpResponse:
    """After a member action: the members section for htmx, else the page (with errors) or a redirect."""
    if wants_partial(request):
        return render(request, "registry/group_detail.html#members", _members_context(request, group, **extra))
    if extra:
        return render(request, "registry/group_detail.html", _detail_context(request, group, **extra), status=200)
    return redirect("registry:group_detail", pk=group.pk)


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = fetch_group(request, pk)
    require(request.user, "membership.change")
    form = _add_form(request, group, request.POST)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _members_response(request, group)
    return _members_response(request, group, add_form=form)


@login_required
@require_GET
def member_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The <option>s of the member picker, narrowed by name or NIK as the user types."""
    group = fetch_group(request, pk)
    require(request.user, "membership.change")
    q = request.GET.get("q", "").strip()[:60]
    offered = families_addable(user=request.user, group=group, q=q, limit=OFFERED)
    visible = family_list(user=request.user, filters=RegistryFilters())
    form = MemberAddForm(visible=visible, offered=offered, auto_id="member_%s")
    return render(request, "registry/group_detail.html#family_options", {"add_form": form})


def _membership(group: Any, mid: int) -> Any:
    return found(lambda: group_members(group=group).get(pk=mid))


@login_required
@require_GET
def member_manage(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    """The role and leaving forms of one member: a panel under the members table (htmx), or the page with it."""
    group = fetch_group(request, pk)
    membership = _membership(group, mid)  # first: an id outside the KUBE is a 404 for every role
    require(request.user, "membership.change")
    if wants_partial(request):
        context = {"group": group, "managed": membership, "role_choices": ROLE_CHOICES}
        return render(request, "registry/group_detail.html#member_panel", context)
    return render(request, "registry/group_detail.html", _detail_context(request, group, managed=membership))


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    group = fetch_group(request, pk)
    membership = _membership(group, mid)  # first: an id outside the KUBE is a 404 for every role
    require(request.user, "membership.change")
    form = MemberEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_messages(form))
        services.membership_end(actor=request.user, membership=membership, **form.cleaned_data)
    except ValidationError as exc:
        return _members_response(request, group, member_errors=exc.messages, managed=membership)
    return _members_response(request, group)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    group = fetch_group(request, pk)
    membership = _membership(group, mid)  # first: an id outside the KUBE is a 404 for every role
    require(request.user, "membership.change")
    form = MemberRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_messages(form))
        services.membership_set_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
    except ValidationError as exc:
        return _members_response(request, group, member_errors=exc.messages, managed=membership)
    return _members_response(request, group)


urlpatterns: list[URLPattern] = [
    path("groups/", group_list_view, name="group_list"),
    path("groups/new/", group_create, name="group_create"),
    path("groups/<int:pk>/", group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", group_edit, name="group_edit"),
    path("groups/<int:pk>/status/", group_status, name="group_status"),
    path("groups/<int:pk>/delete/", group_delete, name="group_delete"),
    path("groups/<int:pk>/members/add/", member_add, name="member_add"),
    path("groups/<int:pk>/members/options/", member_options, name="member_options"),
    path("groups/<int:pk>/members/<int:mid>/", member_manage, name="member_manage"),
    path("groups/<int:pk>/members/<int:mid>/end/", member_end, name="member_end"),
    path("groups/<int:pk>/members/<int:mid>/role/", member_role, name="member_role"),
    *grants.urlpatterns,
]
