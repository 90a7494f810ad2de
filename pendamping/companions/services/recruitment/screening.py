"""Screening: the automatic scores, the panel's scores, the ranking per regency and the decisions. An accepted
applicant becomes a `Companion` with status candidate (through the companion services, so the NIK and place
rules are the same as for a companion registered by hand).

The automatic scores and the ranks are derived values: a function of the application and of the call's
criteria, both audited. They are recomputed whenever those change and are not audited themselves."""

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Application, ApplicationScore, Call, CallQuota, Companion, Criterion
from pendamping.companions.services.lifecycle import companion_move
from pendamping.companions.services.people import companion_create, companion_update
from pendamping.companions.services.recruitment import rules
from pendamping.core.concurrency import check_version
from pendamping.registry.services._common import save_checked

Status = Application.Status
DECISIONS = (Status.ACCEPTED, Status.WAITING, Status.REJECTED)
# An existing companion accepted again starts the path anew only from these; others keep their status.
RESTARTS = (Companion.Status.APPLICANT, Companion.Status.INACTIVE)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _applicant(application: Application) -> rules.Applicant:
    return rules.Applicant(
        education=application.education,
        home_desa_code=application.home_desa_id,
        regency_code=application.regency_id,
        experience_years=application.experience_years,
        birth_date=application.birth_date,
    )


def _auto(criterion: Criterion, application: Application, closes_on: Any) -> tuple[Decimal, str]:
    return rules.auto_score(criterion.kind, criterion.params, _applicant(application), closes_on=closes_on)


def application_score_auto(application: Application) -> list[ApplicationScore]:
    """Compute and store the scores of the call's automatic criteria for one application."""
    call = application.call
    stored = []
    for criterion in call.criteria.filter(kind__in=Criterion.AUTOMATIC):
        value, note = _auto(criterion, application, call.closes_on)
        score, _created = ApplicationScore.objects.update_or_create(
            application=application, criterion=criterion, defaults={"value": value, "note": note[:200]}
        )
        stored.append(score)
    return stored


def rescore_criterion(criterion: Criterion) -> None:
    """Recompute one automatic criterion for every application of its call (its parameters or the call's
    closing date changed): one read, one bulk update and one bulk insert."""
    call = criterion.call
    existing = {s.application_id: s for s in ApplicationScore.objects.filter(criterion=criterion)}
    changed: list[ApplicationScore] = []
    new: list[ApplicationScore] = []
    for application in call.applications.all():
        value, note = _auto(criterion, application, call.closes_on)
        score = existing.get(application.pk) or ApplicationScore(application=application, criterion=criterion)
        score.value, score.note = value, note[:200]
        (changed if score.pk else new).append(score)
    ApplicationScore.objects.bulk_update(changed, ["value", "note"])
    ApplicationScore.objects.bulk_create(new)


@dataclass(frozen=True)
class Ranked:
    application: Application
    total: Decimal
    rank: int
    missing: list[Criterion]  # the panel's criteria not scored yet (counted as 0)


def _ranked_regency(applications: list[Application], criteria: list[Criterion]) -> list[Ranked]:
    weights = {c.pk: c.weight for c in criteria}
    panel = [c for c in criteria if not c.is_automatic]
    totals = []
    for application in applications:
        scores = {s.criterion_id: s.value for s in application.scores.all()}
        totals.append((application, rules.weighted_total(weights, scores), [c for c in panel if c.pk not in scores]))
    totals.sort(key=lambda row: row[1], reverse=True)  # stable: among equal totals, the earlier application first
    ranks = rules.competition_ranks(total for _a, total, _m in totals)
    return [Ranked(a, total, rank, missing) for (a, total, missing), rank in zip(totals, ranks, strict=True)]


def rerank(call: Call, regency_codes: Collection[str] | None = None) -> list[Ranked]:
    """Store every application's weighted total and its rank in its regency (all regencies, or those given).
    The caller holds the call's row lock, so two rankings of the same call never interleave. Four queries."""
    criteria = list(call.criteria.all())
    qs = call.applications.prefetch_related("scores")
    if regency_codes is not None:
        qs = qs.filter(regency_id__in=list(regency_codes))
    applications = list(qs.order_by("regency_id", "created_at", "id"))
    rows: list[Ranked] = []
    for _code, group in itertools.groupby(applications, key=lambda a: a.regency_id):
        rows += _ranked_regency(list(group), criteria)
    for row in rows:
        row.application.score, row.application.rank = row.total, row.rank
    Application.objects.bulk_update([row.application for row in rows], ["score", "rank"])
    return rows


def _codes_in_scope(actor: Any, call: Call, regency_code: str | None) -> list[str]:
    codes = list(call.quotas.order_by("regency_id").values_list("regency_id", flat=True))
    if regency_code:
        if regency_code not in codes:
            raise ValidationError({"regency_code": _("This call does not recruit in that regency or city.")})
        require_regency(actor, regency_code, field="regency_code")
        return [regency_code]
    if actor is None or actor.is_province_admin:
        return codes
    return [code for code in codes if code in actor.regency_codes]


@transaction.atomic
def applications_rank(*, call: Call, regency_code: str | None = None, actor: Any = None) -> list[Ranked]:
    """Rank the applications per regency (one regency, or all those the actor works in). A panel criterion
    not scored yet counts 0 and is listed in `missing`; equal totals share a rank (rules.competition_ranks)."""
    if actor is not None:
        require(actor, "recruitment.score")
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status == Call.Status.DECIDED:
        raise ValidationError(_("The call is decided; its ranking is final."))
    return rerank(call, _codes_in_scope(actor, call, regency_code))


def _refuse_score(call: Call, application: Application, criterion: Criterion) -> None:
    if criterion.call_id != call.pk:
        raise ValidationError({"criterion": _("This criterion belongs to another call.")})
    if criterion.is_automatic:
        raise ValidationError(
            {
                "criterion": _("“%(label)s” is scored automatically from the application; the panel cannot score it.")
                % {"label": criterion.label}
            }
        )
    if call.status == Call.Status.DECIDED:
        raise ValidationError(_("This call is decided; its scores are final."))
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("This application is decided already; its scores are final."))


@transaction.atomic
def application_score_set(
    *, actor: Any, application: Application, criterion: Criterion, value: Any, note: str = ""
) -> ApplicationScore:
    """The panel's score (0-100) of one applicant on an interview, written test or other panel criterion."""
    require(actor, "recruitment.score")
    call = Call.objects.select_for_update().get(pk=application.call_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    require_regency(actor, application.regency_id, field="application")
    _refuse_score(call, application, criterion)
    message = _("A score is a number from 0 to 100.")
    number = rules.decimal_in(value, field="value", low=Decimal(0), high=rules.HUNDRED, message=message)
    text = str(note or "").strip()
    if len(text) > 200:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": 200}})
    score = ApplicationScore.objects.filter(application=application, criterion=criterion).first()
    before = snapshot(score) if score is not None else None
    score = score or ApplicationScore(application=application, criterion=criterion)
    score.value, score.note, score.entered_by = number, text, _user(actor)
    save_checked(score, exclude=["application", "criterion", "entered_by"])
    audit_record(
        actor=actor, action="create" if before is None else "update", obj=score, before=before, after=snapshot(score)
    )
    rerank(call, [application.regency_id])
    return score


def _refuse_decision(application: Application, quota: CallQuota, decision: str, reason: str) -> None:
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose accepted, waiting list or rejected.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": 300}})
    if quota.call.status not in (Call.Status.SCREENING, Call.Status.DECIDED):
        raise ValidationError({"decision": _("Decisions are made once the call is in screening.")})
    if application.status == Status.ACCEPTED:
        raise ValidationError(
            {"decision": _("This applicant is accepted and a companion candidate already; the decision stands.")}
        )
    if decision != Status.ACCEPTED:
        return
    taken = quota.call.applications.filter(regency_id=quota.regency_id, status=Status.ACCEPTED).count()
    if taken >= quota.quota:
        raise ValidationError(
            {
                "decision": _("The quota of %(n)d for %(regency)s is full.")
                % {"n": quota.quota, "regency": quota.regency.name}
            }
        )


def _companion_for(actor: Any, application: Application) -> Companion:
    """The accepted applicant's companion record: a new candidate, or the existing record of that NIK (an
    applicant or a former companion starts the path anew as a candidate; anyone further keeps their status)."""
    existing = Companion.objects.select_for_update().filter(nik=application.nik).first()
    places = {"home_desa_code": application.home_desa_id, "regency_code": application.regency_id}
    if existing is None:
        return companion_create(
            actor=actor,
            nik=application.nik,
            name=application.name,
            education=application.education,
            phone=application.phone,
            status=Companion.Status.CANDIDATE,
            **places,
        )
    earlier = Application.objects.filter(companion=existing).exclude(pk=application.pk).select_related("call").first()
    if earlier is not None:
        raise ValidationError(
            {
                "decision": _("This person is already a companion, accepted in the call “%(call)s”.")
                % {"call": earlier.call}
            }
        )
    if existing.status in RESTARTS:
        status = Companion.Status.CANDIDATE
        existing = companion_update(actor=actor, companion=existing, version=existing.version, **places)
        return companion_move(actor=actor, companion=existing, to=status)
    return existing


@transaction.atomic
def application_decide(
    *, actor: Any, application: Application, decision: str, reason: str, version: int | None = None
) -> Application:
    """Accept, put on the waiting list or reject, with a reason, once the call is in screening (or decided: a
    place freed later goes to the waiting list). Accepting stays within the regency's quota and makes the
    applicant a companion candidate; an acceptance is final."""
    require(actor, "recruitment.manage")
    found = CallQuota.objects.select_for_update(of=("self",)).select_related("call", "regency")
    quota = found.get(call_id=application.call_id, regency_id=application.regency_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    check_version(application, version)
    reason = str(reason or "").strip()
    _refuse_decision(application, quota, decision, reason)
    before = snapshot(application)
    if decision == Status.ACCEPTED:
        application.companion = _companion_for(actor, application)
    application.status, application.decision_reason = decision, reason
    application.decided_by, application.decided_at = _user(actor), timezone.now()
    application.version += 1
    save_checked(application, exclude=["call", "regency", "home_desa", "companion", "decided_by", "created_by"])
    audit_record(actor=actor, action="update", obj=application, before=before, after=snapshot(application))
    return application
