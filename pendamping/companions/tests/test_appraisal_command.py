"""`pendamping appraise_companions`: drafts for the active companions without an appraisal, their data part filled
in, drafts recomputed, final appraisals and ratings left alone."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.appraisal_rules import add_quarters, quarter_key, quarter_start
from pendamping.companions.models import Appraisal, Companion, Rating
from pendamping.companions.services.appraisal import appraisal_rate, appraisal_start
from pendamping.companions.tests.appraisal_factories import Q1, all_rated, final_appraisal, known_quarter, score
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("appraise_companions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_active_companion_without_an_appraisal_gets_a_draft_with_its_data_part(admin: User) -> None:
    measured = known_quarter().companion
    plain = CompanionFactory(home_desa=village(MALANG_VILLAGE))
    CompanionFactory(status=Companion.Status.INTERN)
    done = final_appraisal(CompanionFactory(), Q1, result="80", well=True)
    assert run("--quarter", "2025Q1") == "2025 Q1: 2 appraisals started, 0 drafts recomputed, 1 unchanged\n"
    drafts = {a.companion_id: a for a in Appraisal.objects.filter(status="draft")}
    assert set(drafts) == {measured.pk, plain.pk}
    points = {d["rule"]: d["points"] for d in drafts[measured.pk].details if d["rule"]}
    assert points["reports_on_time"] == "0.5000" and points["followups_on_time"] == "0.7500"
    assert not Rating.objects.exists()  # the ratings stay the officers'
    done.refresh_from_db()
    assert (done.status, str(done.score)) == ("final", "80.00")
    assert set(
        AuditEntry.objects.filter(action="create", content_type__model="appraisal").values_list("door", flat=True)
    ) == {"cli"}


def test_a_second_run_recomputes_only_the_drafts_whose_data_changed(surabaya_officer: User) -> None:
    quarter = known_quarter()
    appraisal = appraisal_start(actor=surabaya_officer, companion=quarter.companion, period=Q1)
    appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 3), version=1)
    assert run("--quarter", "2025Q1") == "2025 Q1: 0 appraisals started, 0 drafts recomputed, 1 unchanged\n"
    score(quarter.b, 2, "52.00")
    assert run("--quarter", "2025Q1") == "2025 Q1: 0 appraisals started, 1 drafts recomputed, 0 unchanged\n"
    appraisal.refresh_from_db()
    trend = next(d for d in appraisal.details if d["rule"] == "classification_trend")
    assert trend["points"] == "1.0000" and appraisal.status == "draft" and Rating.objects.count() == 7


def test_one_regency_only(admin: User) -> None:
    CompanionFactory()
    malang = CompanionFactory(home_desa=village(MALANG_VILLAGE))
    run("--quarter", "2025Q1", "--regency", "35.07")
    assert list(Appraisal.objects.values_list("companion_id", flat=True)) == [malang.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2025Q5"], "YYYYQn"),
        (["--regency", "Malang"], "regency code"),
        (["--quarter", quarter_key(add_quarters(quarter_start(timezone.localdate()), 1))], "has not begun"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(args: list[str], message: str) -> None:
    CompanionFactory()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Appraisal.objects.exists()
