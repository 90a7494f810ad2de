"""Classification services: a KUBE's score computed from its data (hand-computed for small fixtures), the
ranking and the outstanding KUBE per regency, the full refresh (scoped, fast, progress), the rubric checks,
and the rescoring that follows a monthly report through the task backend."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.enterprise.models import EnterpriseSettings, GroupScore, Indicator, Level, Rubric
from pendamping.enterprise.scoring import RULES, add_months
from pendamping.enterprise.services.classification import (
    group_rescore,
    group_score_compute,
    group_scores_refresh,
    indicator_problems,
    regency_rank,
    rubric_check,
    rubric_ensure_default,
)
from pendamping.enterprise.services.reports import report_submit, report_update
from pendamping.enterprise.services.rescore import rescore_later
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory, WelfareRecordFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, kube_with_members, village

pytestmark = pytest.mark.django_db
LEVELS = [(1, "tumbuh", 0), (2, "berkembang", 50), (3, "maju", 75)]


def months_ago(n: int) -> dt.date:
    """The first day of the month `n` months before this one (1: last month, the newest in the window)."""
    return add_months(timezone.localdate().replace(day=1), -n)


def make_rubric(
    indicators: list[tuple[str, int]] | None = None, *, levels: list[tuple[int, str, int]] = LEVELS, **fields: Any
) -> Rubric:
    """A rubric in use (the others taken out of use) with (rule, weight) indicators, each in its rule's aspect."""
    Rubric.objects.filter(is_active=True).update(is_active=False)
    rubric = Rubric.objects.create(name="Rubrik uji", is_active=True, **fields)
    for position, name, score in levels:
        Level.objects.create(rubric=rubric, position=position, name=name, min_score=Decimal(score))
    for i, (rule, weight) in enumerate(indicators or [("board_complete", 1)]):
        aspect = RULES[rule].aspect if rule in RULES else "social"
        Indicator.objects.create(rubric=rubric, aspect=aspect, rule=rule, label=rule, weight=weight, position=i)
    return rubric


def scored(group: Group, score: float, *, months: int = 12, level: int = 3, rubric: Rubric | None = None) -> GroupScore:
    """A score row written directly, to test the ranking on its own."""
    return GroupScore.objects.create(
        group=group,
        regency_id=group.regency_id,
        rubric=rubric or Rubric.objects.get(is_active=True),
        score=Decimal(str(score)),
        level_position=level,
        level_name=dict((p, n) for p, n, _s in LEVELS)[level],
        months_reported=months,
        computed_at=timezone.now(),
    )


def malang_kube(**fields: Any) -> Group:
    return kube_with_members(5, desa=village(MALANG_VILLAGE), **fields)


# --- one KUBE -------------------------------------------------------------------------------------------------


def test_a_kube_is_scored_from_its_data() -> None:
    """Board 3 of 3 seats (weight 20, 1 point); 1 meeting a month in each of 3 reports against a target of 2
    (weight 30, 0.5); latest assets Rp 12 million against Rp 10 million of grants, 120 % of a 150 % target
    (weight 50, 0.8). Score = (20 x 1 + 30 x 0.5 + 50 x 0.8) / 100 x 100 = 20 + 15 + 40 = 75.00: maju."""
    make_rubric([("board_complete", 20), ("meetings_per_month", 30), ("asset_growth", 50)])
    group = kube_with_members(5)
    GrantFactory(group=group, amount=6_000_000)
    GrantFactory(group=group, amount=4_000_000)
    for n, assets in ((3, 9_000_000), (2, 10_000_000), (1, 12_000_000)):
        MonthlyReportFactory(group=group, period=months_ago(n), meetings_held=1, capital_assets=assets)

    score = group_score_compute(group=group)

    assert score is not None
    assert (score.score, score.level_position, score.level_name) == (Decimal("75.00"), 3, "maju")
    assert (score.months_reported, score.regency_id, score.rank_in_regency) == (3, "35.78", None)
    assert [(d["rule"], d["points"]) for d in score.details] == [
        ("board_complete", "1.0000"),
        ("meetings_per_month", "0.5000"),
        ("asset_growth", "0.8000"),
    ]


def test_a_kube_without_reports_still_gets_a_score() -> None:
    """The default rubric on a KUBE of 5 with a full board that joined in February 2023 and never reported:
    board complete (weight 10, 1 point) and retention (weight 10, all stayed a year: 1 point) score, every
    other indicator has no data (0 points). Score = (10 + 10) / 100 x 100 = 20.00: tumbuh."""
    Rubric.objects.update(is_active=False)
    rubric_ensure_default()
    group = kube_with_members(5)

    score = group_score_compute(group=group)

    assert score is not None and (score.score, score.level_name, score.months_reported) == (
        Decimal("20.00"),
        "tumbuh",
        0,
    )
    no_data = [d["rule"] for d in score.details if d["value"] is None]
    assert no_data == ["meetings_per_month", "member_participation", "profit_trend", "asset_growth", "income_change"]


def test_the_default_rubric_weighs_100_over_three_aspects() -> None:
    Rubric.objects.update(is_active=False)
    rubric = rubric_ensure_default()
    weights: dict[str, Decimal] = {}
    for indicator in rubric.indicators.all():
        weights[indicator.aspect] = weights.get(indicator.aspect, Decimal(0)) + indicator.weight
    assert weights == {"institutional": 30, "social": 30, "economic": 40}
    assert [(lv.name, lv.min_score) for lv in rubric.levels.all()] == [("tumbuh", 0), ("berkembang", 50), ("maju", 75)]
    assert (rubric.outstanding_per_regency, rubric.outstanding_min_level, rubric.outstanding_min_months) == (3, 3, 12)
    rubric_check(rubric)


def test_iks_and_income_come_from_the_ledger_and_the_welfare_records() -> None:
    """IKS in 3 of the 6 window months (a report's line counts for the report's month): 50 % (weight 1);
    two member families: income 1,000,000 -> 1,500,000 (+50 %) and 800,000 -> 1,200,000 (+50 %), median
    +50 %, full points (weight 1). Score = (0.5 + 1) / 2 x 100 = 75.00."""
    make_rubric([("iks_regular", 1), ("income_change", 1)])
    group = kube_with_members(2)
    report = MonthlyReportFactory(group=group, period=months_ago(6), iks_collected=0)
    IksEntryFactory(group=group, report=report, on=months_ago(4) + dt.timedelta(days=3))  # counts for month 6
    IksEntryFactory(group=group, on=months_ago(2) + dt.timedelta(days=9))
    IksEntryFactory(group=group, on=months_ago(1), kind="out", purpose="bantuan")  # a use is no contribution
    MonthlyReportFactory(group=group, period=months_ago(1), iks_collected=50_000)
    for member, (before, after) in zip(
        group.memberships.all(), ((1_000_000, 1_500_000), (800_000, 1_200_000)), strict=True
    ):
        WelfareRecordFactory(family=member.family, group=group, recorded_on=dt.date(2023, 2, 1), monthly_income=before)
        WelfareRecordFactory(family=member.family, kind="update", recorded_on=months_ago(1), monthly_income=after)

    score = group_score_compute(group=group)

    assert score is not None and score.score == Decimal("75.00")
    assert [d["value"] for d in score.details] == [50.0, 50.0]


def test_lateness_follows_the_offices_due_day() -> None:
    make_rubric([("reports_on_time", 1)])
    group = kube_with_members(5, founded_on=months_ago(1))  # one month in the window
    period = months_ago(1)
    submitted = timezone.make_aware(dt.datetime.combine(add_months(period, 1).replace(day=15), dt.time(9)))
    MonthlyReportFactory(group=group, period=period, submitted_at=submitted)
    EnterpriseSettings.objects.update_or_create(pk=1, defaults={"report_due_day": 10})
    late = group_score_compute(group=group)
    EnterpriseSettings.objects.filter(pk=1).update(report_due_day=20)
    on_time = group_score_compute(group=group)

    # submitted on the 15th: late when reports are due by the 10th, on time when by the 20th
    assert late is not None and on_time is not None
    assert (late.score, on_time.score) == (Decimal("0.00"), Decimal("100.00"))


def test_a_kube_that_is_not_active_loses_its_score() -> None:
    make_rubric()
    group = kube_with_members(5)
    assert group_score_compute(group=group) is not None
    for status in (Group.Status.INACTIVE, Group.Status.GRADUATED, Group.Status.FORMING):
        group.status = status
        assert group_score_compute(group=group) is None
        assert not GroupScore.objects.filter(group=group).exists()


def test_without_a_rubric_in_use_nothing_is_computed_or_lost() -> None:
    make_rubric()
    group = kube_with_members(5)
    group_score_compute(group=group)
    Rubric.objects.update(is_active=False)

    assert group_score_compute(group=group) is None
    assert GroupScore.objects.filter(group=group).exists()
    with pytest.raises(ValidationError, match="No classification rubric is in use"):
        group_scores_refresh()


# --- ranking and outstanding ----------------------------------------------------------------------------------


def test_a_regency_is_ranked_and_its_best_eligible_kube_are_outstanding() -> None:
    """Top 2 at level 3 (maju) or above with 12 months: the 90 has only 6 months, the 70 is berkembang."""
    make_rubric(outstanding_per_regency=2, outstanding_min_level=3, outstanding_min_months=12)
    kube = {name: kube_with_members(5, code=f"K-{name}") for name in ("a", "b", "c", "d", "e")}
    scored(kube["a"], 90, months=6)
    scored(kube["b"], 80, months=12)
    scored(kube["c"], 80, months=24)
    scored(kube["d"], 78, months=30)
    scored(kube["e"], 70, months=30, level=2)
    elsewhere = scored(malang_kube(), 99)

    assert regency_rank(regency_code="35.78") == 5

    rows = {s.group.code: (s.rank_in_regency, s.outstanding) for s in GroupScore.objects.filter(regency_id="35.78")}
    assert rows == {"K-a": (1, False), "K-c": (2, True), "K-b": (3, True), "K-d": (4, False), "K-e": (5, False)}
    elsewhere.refresh_from_db()
    assert (elsewhere.rank_in_regency, elsewhere.outstanding) == (None, False)


def test_equal_scores_and_months_are_ranked_by_kube_code() -> None:
    make_rubric()
    for code in ("K-2", "K-1", "K-3"):
        scored(kube_with_members(5, code=code), 80)
    regency_rank(regency_code="35.78")
    assert list(GroupScore.objects.order_by("rank_in_regency").values_list("group__code", flat=True)) == [
        "K-1",
        "K-2",
        "K-3",
    ]


def test_ranking_drops_the_rows_of_kube_no_longer_active() -> None:
    make_rubric()
    stays, stops = kube_with_members(5), kube_with_members(5)
    scored(stays, 50), scored(stops, 90)
    Group.objects.filter(pk=stops.pk).update(status=Group.Status.INACTIVE)

    assert regency_rank(regency_code="35.78") == 1
    assert list(GroupScore.objects.values_list("group_id", "rank_in_regency")) == [(stays.pk, 1)]


# --- the full refresh -----------------------------------------------------------------------------------------


def test_the_refresh_scores_every_active_kube_regency_by_regency() -> None:
    make_rubric([("board_complete", 1)], outstanding_min_months=0, outstanding_per_regency=1)
    full, short = kube_with_members(5), kube_with_members(2)  # board of 3 and of 2: 100 and 66.67
    malang = malang_kube()
    gone = [kube_with_members(5, status=s) for s in (Group.Status.INACTIVE, Group.Status.GRADUATED)]
    for group in gone:
        scored(group, 100)
    calls: list[tuple[int, int]] = []

    assert group_scores_refresh(progress=lambda done, total: calls.append((done, total))) == 3

    rows = {s.group_id: (s.score, s.rank_in_regency, s.outstanding) for s in GroupScore.objects.all()}
    assert rows == {
        full.pk: (Decimal("100.00"), 1, True),
        short.pk: (Decimal("66.67"), 2, False),
        malang.pk: (Decimal("100.00"), 1, True),
    }
    assert calls == [(1, 3), (3, 3)]  # Kabupaten Malang (35.07) first, then Kota Surabaya (35.78)


def test_the_refresh_of_some_regencies_leaves_the_others_alone() -> None:
    make_rubric()
    surabaya, malang = kube_with_members(5), malang_kube()
    group_scores_refresh()
    before = GroupScore.objects.get(group=surabaya).computed_at
    MonthlyReportFactory(group=surabaya, period=months_ago(1))

    assert group_scores_refresh(regencies=["35.07"]) == 1

    assert GroupScore.objects.get(group=surabaya).computed_at == before
    assert GroupScore.objects.get(group=malang).computed_at > before


def test_the_refresh_reads_a_regency_in_a_fixed_number_of_queries() -> None:
    """Six queries of facts per regency whatever its size, so 200 KUBE take seconds, not minutes."""
    Rubric.objects.update(is_active=False)
    rubric_ensure_default()

    def busy_kube() -> None:
        group = kube_with_members(5)
        GrantFactory(group=group)
        for n in range(1, 8):
            MonthlyReportFactory(group=group, period=months_ago(n))
        IksEntryFactory(group=group, on=months_ago(2))
        WelfareRecordFactory(family=group.memberships.first().family, recorded_on=months_ago(3))

    busy_kube()
    group_scores_refresh()  # the first run also creates the settings row and the first score rows
    with CaptureQueriesContext(connection) as few:
        group_scores_refresh()
    for _i in range(5):
        busy_kube()
    with CaptureQueriesContext(connection) as many:
        assert group_scores_refresh() == 6
    assert len(many) == len(few)


def test_rubric_checks_refuse_what_could_not_classify() -> None:
    rubric = make_rubric(levels=[(1, "rendah", 10), (2, "tinggi", 10)], outstanding_min_level=3)
    Indicator.objects.create(rubric=rubric, aspect="social", rule="no_such_rule", label="x", weight=1)

    with pytest.raises(ValidationError) as refused:
        rubric_check(rubric)

    assert refused.value.message_dict == {
        "levels": [
            "The lowest level must start at score 0.",
            "Each level must start at a higher score than the level below it.",
            "The lowest level for outstanding KUBE must be the position of one of the levels.",
        ],
        "indicators": ["Unknown scoring rules: no_such_rule."],
    }
    with pytest.raises(ValidationError):
        group_score_compute(group=kube_with_members(5))


def test_indicator_checks() -> None:
    assert indicator_problems([]) == ["A rubric needs at least one indicator."]
    assert indicator_problems([("board_complete", Decimal(0)), ("board_complete", Decimal(1))]) == [
        "Each scoring rule may be used once per rubric.",
        "Every indicator needs a weight above 0.",
    ]
    assert indicator_problems([("board_complete", Decimal(1))]) == []


# --- rescoring after a change ---------------------------------------------------------------------------------


def test_a_monthly_report_rescores_its_kube_and_reranks_the_regency(
    admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_rubric([("meetings_per_month", 1)])
    group, rival = kube_with_members(5), kube_with_members(5)
    scored(rival, 40)
    figures = {"revenue": 5_000_000, "operating_costs": 3_000_000, "capital_assets": 1_000_000}
    figures |= {"cash_savings": 0, "members_active": 5}

    with django_capture_on_commit_callbacks(execute=True):
        report = report_submit(actor=admin, group=group, period=months_ago(1), meetings_held=2, **figures)

    # 2 meetings in the one report: full points, 100.00, ahead of the rival's 40
    score = GroupScore.objects.get(group=group)
    assert (score.score, score.rank_in_regency) == (Decimal("100.00"), 1)
    assert GroupScore.objects.get(group=rival).rank_in_regency == 2

    with django_capture_on_commit_callbacks(execute=True):
        report_update(actor=admin, report=report, version=report.version, meetings_held=0)

    assert GroupScore.objects.get(group=group).score == Decimal("0.00")
    assert GroupScore.objects.get(group=group).rank_in_regency == 2


def test_nothing_is_rescored_when_the_write_rolls_back(django_capture_on_commit_callbacks: Any) -> None:
    make_rubric()
    group = kube_with_members(5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                rescore_later(group_id=group.pk)
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
    assert callbacks == [] and not GroupScore.objects.exists()


def test_rescoring_a_kube_that_was_removed_does_nothing() -> None:
    make_rubric()
    group = GroupFactory(status=Group.Status.ACTIVE)
    pk = group.pk
    group.delete()
    assert group_rescore(group_id=pk) is None
