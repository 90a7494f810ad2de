"""neutralise(): text a spreadsheet would run as a formula gets a leading apostrophe (QUALITY B3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pendamping.exchange.exports.cells import FORMULA_STARTS, neutralise


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x.example","klik")', "+6281234567890", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"],
)
def test_each_of_the_six_formula_starts_gets_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Slamet Riyadi", "3578010101900001", "35.78.01.1001", "Jl. Mawar = 12", " =1"])
def test_other_text_is_left_as_it_is(value: str) -> None:
    assert neutralise(value) == value


@given(st.text())
def test_the_result_never_starts_a_formula_and_keeps_the_text(value: str) -> None:
    result = neutralise(value)
    assert not result.startswith(FORMULA_STARTS)
    assert result in (value, "'" + value)
