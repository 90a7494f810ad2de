"""Running an analysis: what the task does, and what the demo calls directly (no queue)."""

import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.evaluation.engine.analysis import AnalysisBlocked, analyse
from pendamping.evaluation.engine.model import AnalysisOptions
from pendamping.evaluation.models import Analysis
from pendamping.evaluation.selectors import instrument_definition, study_answers

logger = logging.getLogger(__name__)


def finish(pk: int, **fields: Any) -> None:
    Analysis.objects.filter(pk=pk).update(finished_at=timezone.now(), **fields)


def _progress(pk: int, value: int, **fields: Any) -> None:
    # One UPDATE in autocommit: another process polls it while the run goes on.
    Analysis.objects.filter(pk=pk).update(progress=value, **fields)


def _options(stored: dict[str, Any]) -> AnalysisOptions:
    return AnalysisOptions(**{**stored, "waves": tuple(stored.get("waves", ("pre", "post")))})


def analysis_run(*, analysis_id: int, task_result_id: str = "") -> Analysis:
    """Run a queued analysis: the study's rows as the engine's data (respondents by pseudonym), the engine's
    analysis, and the result with its inputs hash and software versions stored on the row. Input the engine
    cannot analyse (an arm with no valid answers…) ends the run as failed, with the problems listed."""
    analysis = Analysis.objects.select_related("study__instrument").get(pk=analysis_id)
    pk, study = analysis.pk, analysis.study
    started = {"status": Analysis.Status.RUNNING, "started_at": timezone.now(), "error": "", "result": None}
    _progress(pk, 5, task_result_id=task_result_id or analysis.task_result_id, **started)
    try:
        instrument = instrument_definition(instrument=study.instrument)
        answers = study_answers(study=study)
        _progress(pk, 40)
        result = analyse(instrument, answers, _options(analysis.options))
    except AnalysisBlocked as exc:
        problems = [p.to_dict() for p in exc.problems]
        finish(pk, status=Analysis.Status.FAILED, error=str(exc), problems=problems, progress=100)
    except ValueError as exc:
        finish(pk, status=Analysis.Status.FAILED, error=str(exc), progress=100)
    except Exception as exc:  # a bug must not leave the row "running" forever: record it, then re-raise
        logger.exception("analysis %s failed", pk)
        finish(
            pk,
            status=Analysis.Status.FAILED,
            error=_("The analysis failed unexpectedly (%(e)s).") % {"e": type(exc).__name__},
        )
        raise
    else:
        data = result.to_dict()
        software = "; ".join(f"{name} {version}" for name, version in result.software.items())
        finish(
            pk, status=Analysis.Status.DONE, progress=100, result=data, problems=data["problems"],
            inputs_hash=result.inputs_hash, software_version=software[:200],
        )  # fmt: skip
    analysis.refresh_from_db()
    return analysis
