"""Pendamping's statistics core: plain Python on numpy and scipy, no Django.

Every test returns a :class:`TestResult`; data that cannot be tested raise :class:`NotTestable`
with a message an office user can read. Each function's docstring names the reference it
reproduces (mostly R's ``stats`` package, Agresti's *Categorical Data Analysis*, and Fagerland,
Lydersen & Laake).
"""

from pendamping.stats.design import BalanceRow, Match, balance, match_controls, randomise
from pendamping.stats.exact import fisher_exact
from pendamping.stats.independence import chi2_critical, chi2_independence, cramers_v, g_test
from pendamping.stats.multiplicity import adjust_pvalues
from pendamping.stats.paired import bowker, mcnemar, stuart_maxwell
from pendamping.stats.power import (
    did_power,
    did_sample_size,
    mcnemar_power,
    mcnemar_sample_size,
    paired_t_power,
    paired_t_sample_size,
    two_proportions_power,
    two_proportions_sample_size,
    two_sample_t_power,
    two_sample_t_sample_size,
)
from pendamping.stats.ranks import mann_whitney, wilcoxon_signed_rank
from pendamping.stats.result import NotTestable, TestResult
from pendamping.stats.stratified import cmh
from pendamping.stats.ttest import paired_t

__all__ = [
    "NotTestable",
    "TestResult",
    "adjust_pvalues",
    "bowker",
    "chi2_critical",
    "chi2_independence",
    "cmh",
    "cramers_v",
    "fisher_exact",
    "g_test",
    "mann_whitney",
    "mcnemar",
    "paired_t",
    "stuart_maxwell",
    "wilcoxon_signed_rank",
    # study design helpers (design.py)
    "BalanceRow",
    "Match",
    "balance",
    "match_controls",
    "randomise",
    # power and sample size (power.py)
    "did_power",
    "did_sample_size",
    "mcnemar_power",
    "mcnemar_sample_size",
    "paired_t_power",
    "paired_t_sample_size",
    "two_proportions_power",
    "two_proportions_sample_size",
    "two_sample_t_power",
    "two_sample_t_sample_size",
]
