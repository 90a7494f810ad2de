"""The demo study: 20 + 20 companions, treatment improves and control does not, an analysis done, a gap
assessment rating every component; idempotent, and hooked into `pendamping demo`."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from pendamping.accounts.models import User
from pendamping.demo.evaluation import demo_study_ensure
from pendamping.demo.seed import demo_seed
from pendamping.evaluation.models import Analysis, GapAssessment, GapComponent, Respondent, Response, Study

pytestmark = pytest.mark.django_db


def _decisions(analysis: Analysis, comparison: str, table: str = "original") -> set[str]:
    return {row["decision"] for row in analysis.result[table] if row["comparison"] == comparison}


def test_the_demo_study_is_shaped_like_the_original_and_made_once(evaluator: User) -> None:
    demo_seed(families=300, seed=7)
    first = demo_study_ensure()
    assert first.created and first.study is not None
    study = first.study
    assert study.status == "closed" and list(study.evaluators.values_list("user__username", flat=True)) == ["evaluator"]
    assert study.respondents.filter(arm__code="treatment").count() == 20
    assert study.respondents.filter(arm__code="control").count() == 20
    for regency in set(study.respondents.values_list("regency_id", flat=True)):
        arms = list(study.respondents.filter(regency_id=regency).values_list("arm__code", flat=True))
        assert arms.count("treatment") == arms.count("control")  # randomised within each regency
    assert Response.objects.count() == 40 * 2 * 18
    analysis = Analysis.objects.get(study=study)
    assert analysis.status == "done" and analysis.options["lang"] == "id"
    assert _decisions(analysis, "treatment_pre_post") == {"reject"}
    assert _decisions(analysis, "control_pre_post") == {"not_reject"}
    assert _decisions(analysis, "arms_post") == {"reject"}
    did = [row for row in analysis.result["design"] if row["comparison"] == "did"]
    assert len(did) == 4 and all(row["pvalue"] < 0.05 for row in did)  # the treatment arm changed more
    gap = GapAssessment.objects.get()
    assert sorted(gap.ratings.values_list("component", flat=True)) == sorted(GapComponent.values)
    again = demo_study_ensure()
    assert not again.created and Study.objects.count() == 1 and Analysis.objects.count() == 1
    assert GapAssessment.objects.count() == 1 and Respondent.objects.count() == 40


def test_the_demo_command_makes_the_study_once(regions: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR, settings.STATIC_ROOT = tmp_path, tmp_path / "static"
    out = StringIO()
    call_command("demo", "--no-serve", "--families", "200", stdout=out)
    call_command("demo", "--no-serve", "--families", "200", stdout=out)
    assert Study.objects.count() == 1 and "Demo study" in out.getvalue()
    study = Study.objects.get()
    assert study.evaluators.filter(user__username="evaluator").exists()
    assert Analysis.objects.get().status == "done"
