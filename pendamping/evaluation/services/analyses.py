"""Analyses: request one (it runs as a task; the run itself is in `runner`, called by the task and the demo)."""

import dataclasses
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from pendamping.audit.services import audit_record, snapshot
from pendamping.evaluation.engine.model import AnalysisOptions
from pendamping.evaluation.models import Analysis, Study
from pendamping.evaluation.runner import analysis_run, finish
from pendamping.evaluation.selectors import study_waves
from pendamping.evaluation.services._common import require_study
from pendamping.evaluation.services.studies import study_check_arms
from pendamping.evaluation.tasks import analysis_task

FAMILY = {Study.Family.ALL: "all", Study.Family.PER_ASPECT: "aspect", Study.Family.PER_COMPARISON: "comparison"}
LANGS = ("id", "en")


def compared_waves(study: Study) -> tuple[str, str]:
    """The two waves compared: pre and post when the study has them, else its first two."""
    codes = [wave.code for wave in study_waves(study=study)]
    if "pre" in codes and "post" in codes:
        return "pre", "post"
    return codes[0], codes[1]


def analysis_options(*, study: Study, lang: str | None = None) -> AnalysisOptions:
    """The study's declared α and multiplicity family, in the reader's language (Indonesian by default)."""
    language = (lang or translation.get_language() or "id")[:2]
    return AnalysisOptions(
        alpha=study.alpha,
        lang=language if language in LANGS else "id",
        adjust="holm",
        waves=compared_waves(study),
        family=FAMILY[Study.Family(study.family)],
    )


def analysis_request(*, actor: Any, study: Study, lang: str | None = None, run_now: bool = False) -> Analysis:
    """Queue an analysis of the study's answers as they are now; each request runs anew (the stored inputs
    hash shows whether two runs saw the same data). Both arms need respondents. `run_now` runs it here, with
    the function the task runs (the demo and the CLI use it; pages and the API queue)."""
    require_study(actor, study, "evaluation.analyse")
    study_check_arms(study)
    options = analysis_options(study=study, lang=lang)
    with transaction.atomic():
        analysis = Analysis.objects.create(
            study=study,
            options=dataclasses.asdict(options),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="create", obj=analysis, after=snapshot(analysis))
    if run_now:
        return analysis_run(analysis_id=analysis.pk)
    # Enqueued after the commit above, so a worker never looks for a row it cannot see yet.
    try:
        queued = analysis_task.enqueue(analysis_id=analysis.pk)
    except Exception:  # whatever the queue's failure, the row must not stay "queued" forever; re-raised below
        finish(analysis.pk, status=Analysis.Status.FAILED, error=_("The analysis could not be queued."))
        raise
    Analysis.objects.filter(pk=analysis.pk, task_result_id="").update(task_result_id=queued.id)
    analysis.refresh_from_db()
    return analysis


__all__ = ["analysis_options", "analysis_request", "analysis_run", "compared_waves"]
