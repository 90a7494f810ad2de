"""The screening rules computed by hand: each automatic criterion, the weighted total, the ranks with ties, and
the checks of a criterion's parameters. No database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pendamping.companions.services.recruitment.rules import (
    DEFAULT_CRITERIA,
    DEFAULT_PARAMS,
    Applicant,
    age_on,
    auto_score,
    clean_params,
    competition_ranks,
    decimal_in,
    weighted_total,
)

CLOSES = dt.date(2025, 6, 30)


def who(**overrides: object) -> Applicant:
    values: dict[str, object] = {
        "education": "s1",
        "home_desa_code": "35.78.01.1001",
        "regency_code": "35.78",
        "experience_years": 2,
        "birth_date": dt.date(1995, 3, 14),
        **overrides,
    }
    return Applicant(**values)  # type: ignore[arg-type]


def score(kind: str, **overrides: object) -> Decimal:
    return auto_score(kind, DEFAULT_PARAMS[kind], who(**overrides), closes_on=CLOSES)[0]


def test_the_default_weights_add_up_to_a_hundred() -> None:
    assert sum(weight for _kind, weight in DEFAULT_CRITERIA) == 100


@pytest.mark.parametrize(
    ("level", "expected"), [("sd", 0), ("smp", 20), ("sma", 60), ("diploma", 80), ("s1", 100), ("s2", 100)]
)
def test_education_scores_by_level(level: str, expected: int) -> None:
    assert score("education", education=level) == Decimal(expected)


def test_residence_scores_the_home_village_against_the_regency_applied_for() -> None:
    assert score("residence") == Decimal(100)  # Karang Pilang lies in Kota Surabaya
    assert score("residence", regency_code="35.07") == Decimal(40)  # elsewhere in Jawa Timur
    assert score("residence", home_desa_code="33.74.01.1001") == Decimal(0)  # Jawa Tengah


def test_experience_earns_full_marks_from_the_full_years_on() -> None:
    assert score("experience", experience_years=0) == Decimal("0.00")
    assert score("experience", experience_years=2) == Decimal("66.67")  # 100 × 2 / 3, to the cent
    assert score("experience", experience_years=3) == Decimal(100)
    assert score("experience", experience_years=12) == Decimal(100)


def test_age_is_taken_on_the_closing_date() -> None:
    assert age_on(dt.date(1995, 3, 14), CLOSES) == 30
    assert age_on(dt.date(1995, 6, 30), CLOSES) == 30  # a birthday on the day counts
    assert age_on(dt.date(1995, 7, 1), CLOSES) == 29


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (dt.date(2004, 6, 30), 100),  # 21 on the closing date: the band is 21-45
        (dt.date(2004, 7, 1), 50),  # 20: within 5 years under it
        (dt.date(2009, 6, 30), 50),  # 16: 5 years under
        (dt.date(2009, 7, 1), 0),  # 15: further
        (dt.date(1980, 1, 1), 100),  # 45
        (dt.date(1979, 6, 30), 50),  # 46
        (dt.date(1975, 6, 30), 50),  # 50: 5 years over
        (dt.date(1974, 6, 30), 0),  # 51
    ],
)
def test_age_band_scores(born: dt.date, expected: int) -> None:
    assert score("age", birth_date=born) == Decimal(expected)


def test_the_notes_say_what_a_score_was_computed_from() -> None:
    assert auto_score("age", DEFAULT_PARAMS["age"], who(), closes_on=CLOSES)[1] == "30 years old when the call closes"
    assert (
        "home village in the regency"
        in auto_score("residence", DEFAULT_PARAMS["residence"], who(), closes_on=CLOSES)[1]
    )


def test_custom_parameters_change_the_scores() -> None:
    params = clean_params("age", {"min_age": 25, "max_age": 35, "margin": 0})
    assert auto_score("age", params, who(birth_date=dt.date(2002, 1, 1)), closes_on=CLOSES)[0] == Decimal(0)
    assert auto_score("experience", {"full_years": 4}, who(experience_years=1), closes_on=CLOSES)[0] == Decimal(25)


def test_the_weighted_total_counts_a_missing_score_as_zero() -> None:
    weights = {1: Decimal(25), 2: Decimal(20), 3: Decimal(20), 4: Decimal(10), 5: Decimal(15), 6: Decimal(10)}
    scores = {1: Decimal(100), 2: Decimal(40), 3: Decimal("66.67"), 4: Decimal(100), 5: Decimal(80)}
    # (25×100 + 20×40 + 20×66.67 + 10×100 + 15×80 + 10×0) / 100 = (2500 + 800 + 1333.4 + 1000 + 1200) / 100
    assert weighted_total(weights, scores) == Decimal("68.33")
    assert weighted_total({1: Decimal(1), 2: Decimal(2)}, {1: Decimal(90), 2: Decimal(45)}) == Decimal("60.00")
    assert weighted_total({}, {}) == Decimal("0.00")


def test_equal_totals_share_a_rank_and_the_next_rank_skips() -> None:
    totals = [Decimal(90), Decimal(80), Decimal(80), Decimal(70), Decimal(70), Decimal(70), Decimal(10)]
    assert competition_ranks(totals) == [1, 2, 2, 4, 4, 4, 7]
    assert competition_ranks([]) == []


@given(st.lists(st.integers(min_value=0, max_value=100), max_size=30))
def test_ranks_count_the_better_totals_ahead(values: list[int]) -> None:
    totals = sorted((Decimal(v) for v in values), reverse=True)
    ranks = competition_ranks(totals)
    assert ranks == [1 + sum(1 for other in totals if other > total) for total in totals]


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("age", {"min_age": 50, "max_age": 40}, "min_age cannot be above max_age"),
        ("age", {"min_age": "21"}, "min_age must be a whole number from 15 to 70"),
        ("age", {"oldest": 40}, "Unknown parameters: oldest"),
        ("experience", {"full_years": 0}, "full_years must be a whole number from 1 to 40"),
        ("residence", {"same_province": 140}, "same_province must be a whole number from 0 to 100"),
        ("education", {"levels": {"s1": 100}}, "levels must give a score for each of"),
        (
            "education",
            {"levels": {**DEFAULT_PARAMS["education"]["levels"], "sma": 101}},
            "The score of sma must be 0-100",
        ),
        ("interview", {"max": 10}, "takes no parameters"),
        ("age", [21, 45], "Parameters must be an object"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(kind: str, params: object, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_params(kind, params)
    assert message in " ".join(refused.value.message_dict["params"])


def test_parameters_given_in_part_keep_the_other_defaults() -> None:
    assert clean_params("age", {"max_age": 40}) == {"min_age": 21, "max_age": 40, "margin": 5}
    assert clean_params("written", None) == {} and clean_params("education", {}) == DEFAULT_PARAMS["education"]


@pytest.mark.parametrize("value", ["abc", "101", "-1", "NaN", "Infinity", True, None])
def test_a_score_outside_0_100_or_not_a_number_is_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        decimal_in(value, field="value", low=Decimal(0), high=Decimal(100), message="0-100")


def test_a_score_is_kept_to_the_cent() -> None:
    assert decimal_in("82,456", field="v", low=Decimal(0), high=Decimal(100), message="") == Decimal("82.46")
    assert decimal_in(100, field="v", low=Decimal(0), high=Decimal(100), message="") == Decimal(100)
