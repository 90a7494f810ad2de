"""The result type and the input checks shared by every test."""

import math

import pytest

from pendamping.stats import NotTestable, TestResult, chi2_independence, fisher_exact, g_test


def test_not_testable_is_a_value_error():
    assert issubclass(NotTestable, ValueError)


def test_result_is_frozen_and_checks_the_pvalue():
    result = TestResult(statistic=1.0, df=1, pvalue=0.3, method="m")
    assert result.warnings == () and result.estimate == {}
    with pytest.raises(AttributeError):
        result.pvalue = 0.1  # type: ignore[misc]
    assert TestResult(statistic=None, df=None, pvalue=1.0000000000000002, method="m").pvalue == 1.0  # an ulp over
    for bad in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError):
            TestResult(statistic=None, df=None, pvalue=bad, method="m")


@pytest.mark.parametrize(
    "table",
    [
        [[1, -2], [3, 4]],  # negative count
        [[1.5, 2], [3, 4]],  # not a whole number
        [[1, 2], [3]],  # ragged
        [1, 2, 3],  # one-dimensional
        [["a", "b"], ["c", "d"]],  # text
        [[1, math.nan], [3, 4]],  # missing
    ],
)
def test_malformed_tables_are_value_errors_not_not_testable(table):
    with pytest.raises(ValueError) as info:
        chi2_independence(table)
    assert not isinstance(info.value, NotTestable)


@pytest.mark.parametrize("test", [chi2_independence, g_test, fisher_exact])
@pytest.mark.parametrize(
    ("table", "words"),
    [
        ([[0, 0], [0, 0]], "every count"),  # all-zero table
        ([[5, 0, 3], [2, 0, 4]], "answer column(s) 2 were never chosen"),  # empty column
        ([[5, 3], [0, 0], [2, 4]], "row(s) 2 have no answers"),  # empty row
        ([[5], [7]], "single answer category"),  # a single answer category
        ([[5, 7]], "single group"),
    ],
)
def test_degenerate_tables_raise_not_testable_never_a_pvalue(test, table, words):
    with pytest.raises(NotTestable) as info:
        test(table)
    assert "not testable" in str(info.value)
    assert words in str(info.value)
