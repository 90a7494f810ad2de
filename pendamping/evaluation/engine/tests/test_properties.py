"""Property: analyse never raises on a valid answer set, and every p-value is in [0, 1] or absent."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pendamping.evaluation.engine.analysis import analyse
from pendamping.evaluation.engine.model import AnalysisOptions, Answer
from pendamping.evaluation.engine.tests.helpers import mixed_instrument

INSTRUMENT = mixed_instrument()
ITEMS = [(item.code, [o.code for o in item.options]) for aspect in INSTRUMENT.aspects for item in aspect.items]


@st.composite
def studies(draw: st.DrawFn) -> list[Answer]:
    """1-6 respondents per arm; each answers a random subset of items in pre and/or post."""
    out = []
    for arm, prefix in (("treatment", "T"), ("control", "K")):
        for r in range(draw(st.integers(1, 6))):
            for wave in ("pre", "post"):
                for code, options in ITEMS:
                    if draw(st.booleans()) or (r == 0 and wave == "pre"):
                        out.append(Answer(f"{prefix}{r}", arm, wave, code, draw(st.sampled_from(options))))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies(), st.sampled_from(["all", "aspect", "comparison"]), st.sampled_from(["holm", "bh", "bonferroni"]))
def test_analyse_never_raises_and_p_values_are_probabilities(data: list[Answer], family: str, adjust: str) -> None:
    result = analyse(INSTRUMENT, data, AnalysisOptions(family=family, adjust=adjust, lang="en"))
    for row in result.original:
        assert row.pvalue is None or 0.0 <= row.pvalue <= 1.0
        assert (row.pvalue is None) == (row.not_testable is not None)
    for test in result.design:
        if test.not_testable:
            assert test.pvalue is None and test.p_adjusted is None and test.decision is None
        else:
            assert test.pvalue is not None and 0.0 <= test.pvalue <= 1.0
            assert test.p_adjusted is not None and test.pvalue <= test.p_adjusted <= 1.0
    json.dumps(result.to_dict(), allow_nan=False)
