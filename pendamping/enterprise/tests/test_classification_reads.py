"""Classification reads and the command: the outstanding KUBE (the internship hosts of issue 5), the scoped
list, one score's breakdown by aspect, and `pendamping score_groups` with its progress and summary."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.selectors.classification import (
    ClassificationFilters,
    classification_list,
    outstanding_groups,
    regency_summaries,
    score_breakdown,
)
from pendamping.enterprise.services.classification import group_score_compute
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.enterprise.tests.test_classification_services import make_rubric, malang_kube, months_ago, scored
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import kube_with_members

pytestmark = pytest.mark.django_db


def test_outstanding_groups_are_the_active_hosts_best_first(malang_officer: Any) -> None:
    make_rubric()
    first, second = kube_with_members(5, sector="food"), kube_with_members(5, sector="trade")
    other, stopped, ordinary = malang_kube(sector="food"), kube_with_members(5), kube_with_members(5)
    for group, rank in ((first, 1), (second, 2), (other, 1), (stopped, 3)):
        score = scored(group, 90)
        GroupScore.objects.filter(pk=score.pk).update(rank_in_regency=rank, outstanding=True)
    scored(ordinary, 60, level=2)
    Group.objects.filter(pk=stopped.pk).update(status=Group.Status.INACTIVE)

    assert list(outstanding_groups()) == [other, first, second]  # the system: every regency
    assert list(outstanding_groups(regency="35.78")) == [first, second]
    assert list(outstanding_groups(sector="food")) == [other, first]
    assert list(outstanding_groups(user=malang_officer)) == [other]
    assert outstanding_groups(regency="35.78")[0].score.rank_in_regency == 1


def test_the_list_is_scoped_and_ordered_by_regency_then_rank(admin: Any, auditor: Any, norole: Any) -> None:
    make_rubric()
    rows = [(kube_with_members(5), 2), (kube_with_members(5), 1), (malang_kube(), 1)]
    for group, rank in rows:
        GroupScore.objects.filter(pk=scored(group, 70).pk).update(rank_in_regency=rank)

    everyone = [s.group for s in classification_list(user=admin, filters=ClassificationFilters())]
    mine = [s.group for s in classification_list(user=auditor, filters=ClassificationFilters())]

    # Kabupaten Malang sorts before Kota Surabaya by name
    assert everyone == [rows[2][0], rows[1][0], rows[0][0]]
    assert mine == [rows[1][0], rows[0][0]]
    assert not classification_list(user=norole, filters=ClassificationFilters()).exists()
    forged = ClassificationFilters(regency="35.07'; --", level="x")
    assert classification_list(user=auditor, filters=forged).count() == 2


def test_a_breakdown_adds_up_by_aspect() -> None:
    """Board 3 of 3 (institutional, weight 30, 1 point: adds 30), retention with every member staying
    (social, weight 20, 1: adds 20), meetings 1 against 2 (institutional, weight 50, 0.5: adds 25).
    Institutional: 55 of 80; social: 20 of 20; score 75.00."""
    make_rubric([("board_complete", 30), ("member_retention", 20), ("meetings_per_month", 50)])
    group = kube_with_members(5)
    MonthlyReportFactory(group=group, period=months_ago(2), meetings_held=1)
    score = group_score_compute(group=group)
    assert score is not None

    breakdown = score_breakdown(score=score)

    assert score.score == 75
    totals = [(a.aspect, a.possible, a.earned, [line.rule for line in a.lines]) for a in breakdown.aspects]
    assert totals == [
        ("institutional", 80, 55, ["board_complete", "meetings_per_month"]),
        ("social", 20, 20, ["member_retention"]),
    ]


def test_score_groups_recomputes_and_summarises_each_regency() -> None:
    make_rubric([("board_complete", 1)], outstanding_min_months=0, outstanding_per_regency=1)
    kube_with_members(5), kube_with_members(2), malang_kube()
    out = StringIO()

    call_command("score_groups", "--regency", "35.78", stdout=out)

    text = out.getvalue()
    assert "scoring: 2/2 KUBE" in text
    assert "scored 2 KUBE" in text
    assert "35.78 Kota Surabaya: 2 scored (berkembang 1, maju 1), 1 outstanding" in text
    assert "35.07" not in text and GroupScore.objects.count() == 2
    assert [s.regency_id for s in regency_summaries()] == ["35.78"]


def test_score_groups_without_a_rubric_fails_with_the_reason() -> None:
    make_rubric().delete()
    with pytest.raises(CommandError, match="No classification rubric is in use"):
        call_command("score_groups", stdout=StringIO())
