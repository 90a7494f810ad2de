"""Study reads: lists, respondents (pseudonymised unless the reader manages studies), answers, completeness."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from pendamping.accounts.permissions import can
from pendamping.evaluation.engine import model as engine
from pendamping.evaluation.models import Arm, Item, Respondent, Response, Study, Wave


def identities_visible(user: Any) -> bool:
    """Only those who manage studies see who a respondent is; everyone else sees the pseudonym."""
    return can(user, "evaluation.manage")


def study_list(*, user: Any, status: str = "", q: str = "") -> QuerySet[Study]:
    qs = Study.objects.visible_to(user).select_related("instrument")
    if status in Study.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(n_respondents=Count("respondents", distinct=True)).order_by("-created_at", "-id")


def study_get(*, user: Any, pk: Any) -> Study:
    return Study.objects.visible_to(user).select_related("instrument").get(pk=pk)


def study_arms(*, study: Study) -> list[Arm]:
    """The arms with `n_respondents`, treatment first."""
    return list(study.arms.annotate(n_respondents=Count("respondents")).order_by("-code"))


def study_waves(*, study: Study) -> list[Wave]:
    return list(study.waves.order_by("order"))


def study_evaluators(*, study: Study) -> list[Any]:
    return [named.user for named in study.evaluators.select_related("user").order_by("user__username")]


def companion_model() -> Any:
    """The registry's companion model, reached through the respondent's foreign key: the evaluation app sits
    beside the companions app and imports none of it."""
    return Respondent._meta.get_field("companion").related_model


def companions_for(*, user: Any, ids: list[int]) -> list[Any]:
    """The companions with these ids that `user` may see (in id order); missing ones are simply absent."""
    return list(companion_model().objects.visible_to(user).filter(pk__in=ids).order_by("pk"))


def study_respondents(*, user: Any, study: Study, arm: str = "", q: str = "") -> QuerySet[Respondent]:
    """A study's respondents that `user` may see. Searching by name works only for those who may see names."""
    qs = Respondent.objects.visible_to(user).filter(study=study).select_related("arm", "regency", "companion")
    if arm in Arm.Code.values:
        qs = qs.filter(arm__code=arm)
    if q and identities_visible(user):
        qs = qs.filter(Q(companion__name__icontains=q) | Q(external_name__icontains=q) | Q(pseudonym__istartswith=q))
    elif q:
        qs = qs.filter(pseudonym__istartswith=q)
    answered = Response.objects.filter(respondent=OuterRef("pk"))
    return qs.annotate(has_answers=Exists(answered)).order_by("-arm__code", "pseudonym")


def respondent_get(*, user: Any, study: Study, pk: Any) -> Respondent:
    return Respondent.objects.visible_to(user).select_related("arm", "study", "companion").get(study=study, pk=pk)


def respondent_of(*, user: Any, study: Study) -> Respondent | None:
    """The signed-in companion's own respondent record in a study, if they are one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Respondent.objects.filter(study=study, companion__user=user).select_related("arm").first()


def respondent_answers(*, respondent: Respondent, wave: Wave) -> dict[str, str]:
    """{item code: option code} of one respondent in one wave."""
    rows = Response.objects.filter(respondent=respondent, wave=wave).values_list("item__code", "option__code")
    return dict(rows)


def study_answers(*, study: Study) -> list[engine.Answer]:
    """Every answer of the study as the engine's rows, the respondent known by their pseudonym only."""
    rows = (
        Response.objects.filter(respondent__study=study)
        .order_by("respondent__pseudonym", "wave__order", "item__aspect__order", "item__order")
        .values_list("respondent__pseudonym", "respondent__arm__code", "wave__code", "item__code", "option__code")
    )
    return [engine.Answer(respondent=r, arm=a, wave=w, item=i, answer=o) for r, a, w, i, o in rows.iterator(2000)]


@dataclass(frozen=True)
class Completeness:
    """One respondent in one wave: the items not answered yet (in instrument order)."""

    respondent_id: int
    pseudonym: str
    arm: str
    wave: str
    answered: int
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class CompletenessReport:
    rows: list[Completeness] = field(default_factory=list)
    items: int = 0
    # (arm, wave) -> {"complete": n, "partial": n, "none": n}
    summary: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


def study_completeness(*, user: Any, study: Study) -> CompletenessReport:
    """Who has not answered which items of which wave, over the respondents `user` may see."""
    items = list(Item.objects.filter(instrument_id=study.instrument_id).order_by("aspect__order", "order"))
    waves = study_waves(study=study)
    respondents = list(Respondent.objects.visible_to(user).filter(study=study).select_related("arm"))
    given: dict[tuple[int, int], set[int]] = defaultdict(set)
    answered = Response.objects.visible_to(user).filter(respondent__study=study)
    for respondent_id, wave_id, item_id in answered.values_list("respondent_id", "wave_id", "item_id").iterator(5000):
        given[(respondent_id, wave_id)].add(item_id)
    report = CompletenessReport(items=len(items))
    for r in sorted(respondents, key=lambda r: (r.arm.code != Arm.Code.TREATMENT, r.pseudonym)):
        for wave in waves:
            done = given.get((r.pk, wave.pk), set())
            missing = [item.code for item in items if item.pk not in done]
            report.rows.append(Completeness(r.pk, r.pseudonym, r.arm.code, wave.code, len(done), missing))
            tally = report.summary.setdefault((r.arm.code, wave.code), {"complete": 0, "partial": 0, "none": 0})
            tally["complete" if not missing else "none" if not done else "partial"] += 1
    return report
