"""KUBE classification pages: the ranking per regency (with the admins' "Recompute now") and, on the KUBE page,
its score explained indicator by indicator. Scores are computed, never edited: there is no form for them."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import querystring, wants_partial
from pendamping.enterprise.selectors.classification import (
    ClassificationFilters,
    classification_list,
    group_score,
    is_classified,
    last_computed,
    level_choices,
    regency_ranked,
    rubric_in_use,
    score_breakdown,
)
from pendamping.enterprise.services.rescore import scores_refresh_later
from pendamping.regions.forms import regency_choices

ALL = [("", gettext_lazy("all"))]


class ClassificationFilterForm(forms.Form):
    """The ranking's filters; the selector ignores a value of the wrong shape."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=60)
    regency = forms.CharField(label=gettext_lazy("Regency/city"), required=False, widget=forms.Select)
    level = forms.CharField(label=gettext_lazy("Level"), required=False, widget=forms.Select)
    outstanding = forms.ChoiceField(
        label=gettext_lazy("Outstanding"),
        required=False,
        choices=[("", gettext_lazy("all KUBE")), ("1", gettext_lazy("outstanding only"))],
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("KUBE name or code"), autocomplete="off")
        self.fields["level"].widget.choices = ALL + [(str(p), name) for p, name in level_choices()]
        choices = regency_choices(user)
        self.fields["regency"].widget.choices = ALL + choices
        if len(choices) < 2:  # one regency (or a companion's few KUBE): nothing to choose between
            del self.fields["regency"]


@login_required
@require_GET
def classification_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    qs = classification_list(user=request.user, filters=ClassificationFilters.from_params(request.GET))
    context = {
        "form": ClassificationFilterForm(request.GET, user=request.user),
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "rubric": rubric_in_use(),
        "computed_at": last_computed(user=request.user),
        "can_manage": can(request.user, "classification.manage"),
    }
    template = "enterprise/classification_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_POST
def classification_refresh(request: HttpRequest) -> HttpResponse:
    """Queue the full recomputation (it runs as a task: a province takes a while)."""
    require(request.user, "classification.manage")
    try:
        scores_refresh_later(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The scores are being recomputed; reload this page in a minute to see them."))
    return redirect("enterprise:classification")


def score_panel(request: HttpRequest, group: Any) -> str:
    """The KUBE page's classification: level, score, rank, and each indicator with what it adds."""
    if not can(request.user, "registry.view") or not is_classified(group):
        return ""
    score = group_score(group=group)
    context = {
        "group": group,
        "score": score,
        "breakdown": score_breakdown(score=score) if score else None,
        "ranked": regency_ranked(regency_id=group.regency_id) if score else 0,
        "rubric": rubric_in_use(),
    }
    return render_to_string("enterprise/_score_panel.html", context, request=request)


urlpatterns: list[URLPattern] = [
    path("classification/", classification_view, name="classification"),
    path("classification/refresh/", classification_refresh, name="classification_refresh"),
]


def register_panels() -> None:
    """Sections this module adds to other apps' pages (core.panels); called once from EnterpriseConfig.ready()."""
    panels.register("group_detail", order=5, name="score", panel=score_panel)
