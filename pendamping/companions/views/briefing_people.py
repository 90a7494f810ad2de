"""Briefing pages for a batch's people: adding and removing participants, taking attendance per session (a list
of big checkboxes, for a phone in the training room) and entering the pre/post test scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pendamping.accounts.web import require
from pendamping.companions.forms.briefing import AttendanceForm, ParticipantForm, ScoresForm
from pendamping.companions.selectors.briefing import (
    briefing_get,
    participant_candidates,
    participant_get,
    participant_rows,
    session_attendance,
    session_get,
)
from pendamping.companions.services import briefing as services
from pendamping.companions.views.briefing_common import fetch, form_page, post_action, section_url
from pendamping.core.web import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    candidates = participant_candidates(user=request.user, briefing=briefing)
    return form_page(
        request,
        form=ParticipantForm(request.POST or None, candidates=candidates),
        briefing=briefing,
        heading=_("Add a participant"),
        section="participants",
        save=lambda data: services.participant_add(actor=request.user, briefing=briefing, **data),
        done=_("The participant was added."),
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participant = fetch(participant_get, request, pk)
    require(request.user, "briefing.manage")
    return post_action(
        request,
        call=lambda: services.participant_remove(actor=request.user, participant=participant),
        done=_("%(name)s was removed from the batch.") % {"name": participant.companion.name},
        back=section_url(participant.briefing, "participants"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = fetch(session_get, request, pk)
    require(request.user, "briefing.manage")
    people = list(participant_rows(user=request.user, briefing=session.briefing))
    recorded = session_attendance(session=session)
    initial = {"present": [p.pk for p in people if recorded.get(p.pk)]}
    form = AttendanceForm(request.POST or None, initial=initial, participants=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(actor=request.user, session=session, present=form.cleaned_data["present"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            n = len(form.cleaned_data["present"])
            messages.success(
                request, _("Attendance saved: %(n)d of %(total)d present.") % {"n": n, "total": len(people)}
            )
            return redirect(section_url(session.briefing, "time"))
    context = {"form": form, "session": session, "briefing": session.briefing, "recorded": bool(recorded)}
    return render(request, "companions/briefing_attendance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    people = list(participant_rows(user=request.user, briefing=briefing))
    form = ScoresForm(request.POST or None, participants=people)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.scores_record(actor=request.user, briefing=briefing, scores=form.scores())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scores saved for %(n)d participants.") % {"n": len(changed)})
            return redirect(section_url(briefing, "results"))
    return render(request, "companions/briefing_scores.html", {"form": form, "briefing": briefing})
