"""The appraisal's writes: starting a quarter's appraisal, rating, finalising with the score worked out by hand,
the computed indicators read from the database, and every refusal with nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.appraisal_rules import add_quarters, quarter_start
from pendamping.companions.models import Appraisal, AppraisalRubric, Companion, Rating
from pendamping.companions.selectors.appraisal import appraisal_facts, lines_of
from pendamping.companions.services.appraisal import (
    appraisal_finalise,
    appraisal_rate,
    appraisal_start,
    rubric_ensure_default,
)
from pendamping.companions.tests.appraisal_factories import Q1, Q2, all_rated, known_quarter, rated_ids, score
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE

pytestmark = pytest.mark.django_db


def _started(officer: User, **companion: object) -> Appraisal:
    quarter = known_quarter(**companion)
    return appraisal_start(actor=officer, companion=quarter.companion, period=Q1)


def _data(appraisal: Appraisal) -> dict[str, str | None]:
    return {d["rule"]: d["points"] for d in appraisal.details if d["rule"]}


# --- the default rubric ----------------------------------------------------------------------------------------


def test_the_default_rubric_is_in_use_with_weights_summing_to_100() -> None:
    rubric = rubric_ensure_default()
    indicators = list(rubric.indicators.all())
    assert AppraisalRubric.objects.filter(is_active=True).get() == rubric
    assert rubric.threshold == 70 and rubric.visits_per_month == 1
    assert sum(i.weight for i in indicators) == 100
    assert sum(i.weight for i in indicators if i.role == "data") == 40
    assert {i.role for i in indicators} == {"resource", "motivator", "facilitator", "data"}
    assert {i.rule for i in indicators if i.role == "data"} == {
        "visits_per_month",
        "reports_on_time",
        "classification_trend",
        "followups_on_time",
    }


# --- start ---------------------------------------------------------------------------------------------------


def test_starting_an_appraisal_fills_in_the_computed_indicators(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    assert (appraisal.status, appraisal.period, appraisal.regency_id) == ("draft", Q1, "35.78")
    assert appraisal.score is None and appraisal.performing_well is None
    assert _data(appraisal) == {
        "visits_per_month": "1.0000",
        "reports_on_time": "0.5000",
        "classification_trend": "0.5000",
        "followups_on_time": "0.7500",
    }
    rated = [d for d in appraisal.details if not d["rule"]]
    assert len(rated) == 7 and all(d["points"] is None for d in rated)
    assert AuditEntry.objects.filter(action="create", object_id=str(appraisal.pk)).count() == 1


def test_any_day_of_a_quarter_names_that_quarter(surabaya_officer: User) -> None:
    quarter = known_quarter()
    appraisal = appraisal_start(actor=surabaya_officer, companion=quarter.companion, period=dt.date(2025, 2, 14))
    assert appraisal.period == Q1


def test_a_companion_is_appraised_once_a_quarter(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer, name="Siti Rahayu")
    with pytest.raises(ValidationError) as exc:
        appraisal_start(actor=surabaya_officer, companion=appraisal.companion, period=dt.date(2025, 3, 31))
    assert exc.value.message_dict == {"period": ["Siti Rahayu already has an appraisal for 2025 Q1."]}
    assert Appraisal.objects.count() == 1


def test_a_quarter_that_has_not_begun_is_refused(surabaya_officer: User) -> None:
    companion = CompanionFactory()
    later = add_quarters(quarter_start(timezone.localdate()), 1)
    with pytest.raises(ValidationError) as exc:
        appraisal_start(actor=surabaya_officer, companion=companion, period=later)
    assert "has not begun" in exc.value.message_dict["period"][0]
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("status", ["candidate", "trainee", "intern", "inactive"])
def test_only_active_companions_are_appraised(status: str, surabaya_officer: User) -> None:
    companion = CompanionFactory(status=status, name="Budi")
    with pytest.raises(ValidationError) as exc:
        appraisal_start(actor=surabaya_officer, companion=companion, period=Q1)
    assert exc.value.message_dict["companion"][0].startswith("Only active companions are appraised; Budi is ")
    assert not Appraisal.objects.exists()


def test_an_officer_appraises_only_companions_of_their_regency(malang_officer: User) -> None:
    companion = CompanionFactory()  # Surabaya
    with pytest.raises(ValidationError) as exc:
        appraisal_start(actor=malang_officer, companion=companion, period=Q1)
    assert exc.value.message_dict == {"companion": ["This is outside the regencies you work in."]}
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "companion_user", "evaluator"])
def test_roles_without_appraisal_rate_cannot_start(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        appraisal_start(actor=request.getfixturevalue(role), companion=CompanionFactory(), period=Q1)


def test_without_a_rubric_in_use_nothing_starts(admin: User) -> None:
    AppraisalRubric.objects.update(is_active=False)
    with pytest.raises(ValidationError, match="No appraisal rubric is in use"):
        appraisal_start(actor=admin, companion=CompanionFactory(), period=Q1)


# --- rate ----------------------------------------------------------------------------------------------------


def test_ratings_are_saved_and_shown_in_the_lines(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    first, second = rated_ids(appraisal.rubric)[:2]
    appraisal = appraisal_rate(
        actor=surabaya_officer, appraisal=appraisal, ratings={first: 4, str(second): 2}, version=1
    )
    assert dict(Rating.objects.values_list("indicator_id", "value")) == {first: 4, second: 2}
    assert (appraisal.version, appraisal.appraiser) == (2, surabaya_officer)
    points = {d["indicator"]: d["points"] for d in appraisal.details}
    assert (points[first], points[second]) == ("1.0000", "0.3333")
    appraisal = appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings={first: 3}, version=2)
    assert Rating.objects.get(indicator_id=first).value == 3 and Rating.objects.count() == 2


@pytest.mark.parametrize("value", [0, 5, -1, 44])
def test_a_rating_outside_1_to_4_is_refused_naming_the_indicator(value: int, surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    first, second = rated_ids(appraisal.rubric)[:2]
    label = appraisal.rubric.indicators.get(pk=second).label
    with pytest.raises(ValidationError) as exc:
        appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings={first: 3, second: value}, version=1)
    assert exc.value.message_dict == {"ratings": [f"{label}: a rating is 1, 2, 3 or 4, not {value}."]}
    assert not Rating.objects.exists()
    appraisal.refresh_from_db()
    assert appraisal.version == 1


def test_computed_and_unknown_indicators_cannot_be_rated(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    computed = appraisal.rubric.indicators.get(rule="visits_per_month").pk
    with pytest.raises(ValidationError) as exc:
        appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings={computed: 4, 999999: 4}, version=1)
    assert exc.value.message_dict["ratings"] == [
        f"{computed} is not a rated indicator of this appraisal's rubric.",
        "999999 is not a rated indicator of this appraisal's rubric.",
    ]
    assert not Rating.objects.exists()


def test_no_rating_at_all_is_refused(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    with pytest.raises(ValidationError, match="at least one rating"):
        appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings={}, version=1)


def test_a_stale_version_is_refused(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 3), version=1)
    with pytest.raises(ValidationError, match="changed by someone else"):
        appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 1), version=1)
    assert set(Rating.objects.values_list("value", flat=True)) == {3}


def test_an_officer_of_another_regency_cannot_rate(surabaya_officer: User, malang_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    with pytest.raises(ValidationError, match="outside the regencies"):
        appraisal_rate(actor=malang_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 4), version=1)
    assert not Rating.objects.exists()


# --- finalise ------------------------------------------------------------------------------------------------


def _mixed(rubric: AppraisalRubric) -> dict[int, int]:
    """Resource 4 and 4, motivator 3, 3, 3, facilitator 2 and 2: 20 × 1 + 20 × 0.6667 + 20 × 0.3333 = 40 of 60."""
    values = {"resource": 4, "motivator": 3, "facilitator": 2}
    return {i.pk: values[i.role] for i in rubric.indicators.exclude(role="data")}


def test_finalising_scores_the_appraisal_as_worked_out_by_hand(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    appraisal = appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=_mixed(appraisal.rubric), version=1)
    appraisal = appraisal_finalise(actor=surabaya_officer, appraisal=appraisal, version=2)
    # rated 40 + data 27.5 (see known_quarter), of 100
    assert appraisal.score == Decimal("67.50")
    assert appraisal.performing_well is False  # below the threshold of 70
    assert (appraisal.status, appraisal.version) == ("final", 3)
    lines = {line.label: line for line in lines_of(appraisal.details)}
    assert lines["Laporan bulanan tepat waktu"].explanation == "3 of 6 monthly reports on time (1 late, 2 missing)."
    assert lines["Kunjungan per KUBE per bulan"].contribution == Decimal("10.00")
    assert sum(line.contribution or 0 for line in lines.values()) == Decimal("67.50")
    entry = AuditEntry.objects.filter(object_id=str(appraisal.pk), action="update").order_by("pk").last()
    assert entry is not None and entry.changes["status"] == ["draft", "final"]


def test_the_threshold_decides_performing_well(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    appraisal = appraisal_rate(
        actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 4), version=1
    )
    appraisal = appraisal_finalise(actor=surabaya_officer, appraisal=appraisal)
    assert (appraisal.score, appraisal.performing_well) == (Decimal("87.50"), True)  # 60 + 27.5


def test_a_score_exactly_at_the_threshold_performs_well(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    AppraisalRubric.objects.filter(pk=appraisal.rubric_id).update(threshold=Decimal("67.50"))
    appraisal = appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=_mixed(appraisal.rubric), version=1)
    assert appraisal_finalise(actor=surabaya_officer, appraisal=appraisal).performing_well is True


def test_finalising_needs_every_rated_indicator(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    ratings = all_rated(appraisal.rubric, 3)
    missing = appraisal.rubric.indicators.get(pk=rated_ids(appraisal.rubric)[-1])
    del ratings[missing.pk]
    appraisal = appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=ratings, version=1)
    with pytest.raises(ValidationError) as exc:
        appraisal_finalise(actor=surabaya_officer, appraisal=appraisal)
    assert exc.value.message_dict["ratings"] == [f"Rate every indicator before finalising; not rated yet: {missing}."]
    appraisal.refresh_from_db()
    assert (appraisal.status, appraisal.score) == ("draft", None)


def test_a_final_appraisal_no_longer_changes(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 4), version=1)
    appraisal = appraisal_finalise(actor=surabaya_officer, appraisal=appraisal)
    with pytest.raises(ValidationError, match="is final"):
        appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 1), version=3)
    with pytest.raises(ValidationError, match="is final"):
        appraisal_finalise(actor=surabaya_officer, appraisal=appraisal)
    assert set(Rating.objects.values_list("value", flat=True)) == {4}


def test_finalising_recomputes_the_data_part(surabaya_officer: User) -> None:
    appraisal = _started(surabaya_officer)
    quarter_b = appraisal.companion.assignments.order_by("pk").last()
    assert quarter_b is not None
    score(quarter_b.group, 2, "55.00")  # B reached berkembang after the draft was started: 2 of 2
    appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=all_rated(appraisal.rubric, 4), version=1)
    appraisal = appraisal_finalise(actor=surabaya_officer, appraisal=appraisal)
    assert _data(appraisal)["classification_trend"] == "1.0000"
    assert appraisal.score == Decimal("92.50")


# --- the facts from the database -------------------------------------------------------------------------------


def test_the_trend_compares_with_the_levels_the_last_final_appraisal_recorded(surabaya_officer: User) -> None:
    quarter = known_quarter()
    first = appraisal_start(actor=surabaya_officer, companion=quarter.companion, period=Q1)
    appraisal_rate(actor=surabaya_officer, appraisal=first, ratings=all_rated(first.rubric, 4), version=1)
    appraisal_finalise(actor=surabaya_officer, appraisal=first)
    score(quarter.a, 1, "45.00")  # A fell from berkembang to tumbuh
    score(quarter.b, 2, "51.00")  # B rose from tumbuh to berkembang
    facts = appraisal_facts(companion=quarter.companion, period=Q2, today=dt.date(2025, 7, 15))
    assert facts.levels_before == {quarter.a.pk: (2, Decimal("61.00")), quarter.b.pk: (1, Decimal("38.50"))}
    second = appraisal_start(actor=surabaya_officer, companion=quarter.companion, period=Q2)
    trend = next(d for d in second.details if d["rule"] == "classification_trend")
    assert trend["params"] == {"good": 1, "n": 2, "lowest": "tumbuh", "rose": 1, "fell": 1, "new": 0}


def test_a_draft_is_no_baseline_for_the_next_quarter(surabaya_officer: User) -> None:
    quarter = known_quarter()
    appraisal_start(actor=surabaya_officer, companion=quarter.companion, period=Q1)  # left a draft
    assert appraisal_facts(companion=quarter.companion, period=Q2).levels_before is None


def test_the_facts_hold_only_the_companions_own_visits_and_kube(surabaya_officer: User) -> None:
    quarter = known_quarter()
    other = known_quarter(code=MALANG_VILLAGE)  # another companion, other KUBE, the same months
    facts = appraisal_facts(companion=quarter.companion, period=Q1, today=dt.date(2025, 6, 1))
    assert {g for g, _on in facts.visits} == {quarter.a.pk, quarter.b.pk}
    assert len(facts.visits) == 7 and len(facts.follow_ups) == 4
    assert set(facts.levels_now) == {quarter.a.pk, quarter.b.pk}
    assert {g for g, _m in facts.reports} == {quarter.a.pk, quarter.b.pk}
    assert not {other.a.pk, other.b.pk} & ({s.group_id for s in facts.stints} | set(facts.reporting))


def test_a_kube_whose_assignment_ended_before_the_quarter_is_not_in_it(surabaya_officer: User) -> None:
    quarter = known_quarter()
    quarter.companion.assignments.filter(group=quarter.b).update(ended_on=dt.date(2024, 12, 31))
    facts = appraisal_facts(companion=quarter.companion, period=Q1, today=dt.date(2025, 6, 1))
    assert {s.group_id for s in facts.stints} == {quarter.a.pk}
    assert set(facts.levels_now) == {quarter.a.pk}


def test_a_companion_without_kube_is_judged_on_the_ratings_alone(admin: User) -> None:
    companion = CompanionFactory(status=Companion.Status.ACTIVE)
    appraisal = appraisal_start(actor=admin, companion=companion, period=Q1)
    assert set(_data(appraisal).values()) == {None}
    appraisal = appraisal_rate(actor=admin, appraisal=appraisal, ratings=_mixed(appraisal.rubric), version=1)
    appraisal = appraisal_finalise(actor=admin, appraisal=appraisal)
    assert appraisal.score == Decimal("66.67")  # 40 of the 60 that apply
