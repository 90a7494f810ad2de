"""The model gap analysis: ratings 1-5 per component, gap = standard - applied, priorities ranked."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.evaluation.models import GapComponent, GapRating
from pendamping.evaluation.selectors import gap_priorities, gap_summary, priority_of
from pendamping.evaluation.services import gap_assessment_create, gap_rating_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(admin: User):  # type: ignore[no-untyped-def]
    return gap_assessment_create(actor=admin, title="  Kesenjangan   2025 ", assessed_on=dt.date(2025, 2, 1))


def test_a_rating_is_set_and_set_again(admin: User, assessment) -> None:  # type: ignore[no-untyped-def]
    assert assessment.title == "Kesenjangan 2025"
    gap_rating_set(actor=admin, assessment=assessment, component="recruitment", applied=2, expected=4, standard=5)
    rating = gap_rating_set(
        actor=admin, assessment=assessment, component="recruitment", applied="3", expected=4, standard=5, note=" x "
    )
    assert GapRating.objects.count() == 1
    assert (rating.applied, rating.gap, rating.expectation_gap, rating.note) == (3, 2, 1, "x")


@pytest.mark.parametrize(
    ("field", "value"), [("applied", 0), ("expected", 6), ("standard", "lima"), ("applied", True), ("standard", 2.5)]
)
def test_ratings_are_whole_numbers_from_1_to_5(admin: User, assessment, field: str, value: object) -> None:  # type: ignore[no-untyped-def]
    values = {"applied": 2, "expected": 3, "standard": 4, field: value}
    with pytest.raises(ValidationError) as err:
        gap_rating_set(actor=admin, assessment=assessment, component="internship", **values)  # type: ignore[arg-type]
    assert field in err.value.message_dict


def test_an_unknown_component_is_refused(admin: User, assessment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="Unknown component"):
        gap_rating_set(actor=admin, assessment=assessment, component="magang", applied=1, expected=1, standard=1)


def test_only_admins_rate(evaluator: User, assessment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        gap_rating_set(
            actor=evaluator, assessment=assessment, component="internship", applied=1, expected=1, standard=1
        )


def test_priorities_rank_by_gap_then_by_the_gap_to_expectations(admin: User, assessment) -> None:  # type: ignore[no-untyped-def]
    ratings = {
        "recruitment": (3, 5, 4),  # gap 1, expectation gap 2 -> high
        "internship": (1, 4, 5),  # gap 4 -> high, first
        "briefing_time": (3, 3, 4),  # gap 1, expectation 0 -> medium
        "briefing_methods": (4, 5, 4),  # gap 0, expectation 1 -> medium
        "partnership": (4, 4, 4),  # no gap -> low
        "companionship": (5, 4, 4),  # practice beyond the standard -> low, last
    }
    for component, (applied, expected, standard) in ratings.items():
        gap_rating_set(
            actor=admin,
            assessment=assessment,
            component=component,
            applied=applied,
            expected=expected,
            standard=standard,
        )
    ranked = gap_priorities(assessment=assessment)
    assert [p.component for p in ranked] == [
        "internship", "recruitment", "briefing_time", "briefing_methods", "partnership", "companionship",
    ]  # fmt: skip
    assert [p.priority for p in ranked] == ["high", "high", "medium", "medium", "low", "low"]
    assert [p.rank for p in ranked] == [1, 2, 3, 4, 5, 6] and ranked[0].group == "internship"
    summary = gap_summary(assessment=assessment)
    assert summary.group_gaps["briefing"] == 0.5 and summary.group_gaps["internship"] == 4
    assert len(summary.unrated) == len(GapComponent.values) - 6
    assert summary.focus == [str(GapComponent.INTERNSHIP.label), str(GapComponent.RECRUITMENT.label)]


def test_priority_rule() -> None:
    assert [priority_of(g, e) for g, e in ((2, 0), (1, 2), (1, 0), (0, 1), (0, 0), (-1, -1))] == [
        "high", "high", "medium", "medium", "low", "low",
    ]  # fmt: skip
