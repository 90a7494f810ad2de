"""The headline indicator (the share of companions performing well, against the 20% baseline) computed by hand on a
fixture, and the companions who need coaching with the indicators that pull them down."""

import datetime as dt
from decimal import Decimal

import pytest

from pendamping.accounts.models import User
from pendamping.companions.models import Companion
from pendamping.companions.selectors.appraisal import (
    BASELINE,
    coaching_reasons,
    companions_needing_coaching,
    latest_appraised_quarter,
    performing_well_share,
)
from pendamping.companions.services.appraisal import appraisal_finalise, appraisal_rate, appraisal_start
from pendamping.companions.tests.appraisal_factories import Q1, final_appraisal, known_quarter, rated_ids
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db
Q4_2024 = dt.date(2024, 10, 1)


@pytest.fixture
def five() -> dict[str, Companion]:
    """2025 Q1: three companions appraised in Kota Surabaya (one performing well), two in Kabupaten Malang (one
    well). Not counted: a Surabaya draft and an inactive companion. 2024 Q4: four appraised, none well."""
    malang = village(MALANG_VILLAGE)
    people = {
        "sby1": CompanionFactory(),
        "sby2": CompanionFactory(),
        "sby3": CompanionFactory(),
        "mlg1": CompanionFactory(home_desa=malang),
        "mlg2": CompanionFactory(home_desa=malang),
        "sby_draft": CompanionFactory(),
        "gone": CompanionFactory(status=Companion.Status.INACTIVE),
    }
    for key, result, well in [("sby1", "75", True), ("sby2", "52", False), ("sby3", "69.99", False)]:
        final_appraisal(people[key], Q1, result=result, well=well)
    final_appraisal(people["mlg1"], Q1, result="88", well=True)
    final_appraisal(people["mlg2"], Q1, result="40", well=False)
    appraisal_start(actor=None, companion=people["sby_draft"], period=Q1)
    for key in ("sby1", "sby2", "mlg1", "mlg2"):
        final_appraisal(people[key], Q4_2024, result="50", well=False)
    return people


def test_the_province_share_performing_well_is_2_of_5(five: dict[str, Companion], admin: User) -> None:
    headline = performing_well_share(user=admin, period=Q1)
    total = headline.total
    assert (total.appraised, total.performing_well, total.share) == (5, 2, 40.0)
    assert (headline.baseline, total.against_baseline, headline.province_wide) == (20, 20.0, True)
    assert total.active == 6  # every active companion now: five appraised and the draft's
    by_code = {r.code: (r.name, r.appraised, r.performing_well, r.share, r.active) for r in headline.regencies}
    assert by_code == {
        "35.07": ("Kabupaten Malang", 2, 1, 50.0, 2),
        "35.78": ("Kota Surabaya", 3, 1, 33.3, 4),
    }
    assert [(p.period, p.appraised, p.performing_well, p.share) for p in headline.trend] == [
        (Q4_2024, 4, 0, 0.0),
        (Q1, 5, 2, 40.0),
    ]
    assert BASELINE == 20


def test_an_officer_sees_the_share_of_their_regency_only(five: dict[str, Companion], surabaya_officer: User) -> None:
    headline = performing_well_share(user=surabaya_officer, period=Q1)
    assert (headline.total.appraised, headline.total.performing_well, headline.total.share) == (3, 1, 33.3)
    assert headline.total.against_baseline == 13.3 and headline.province_wide is False
    assert [r.code for r in headline.regencies] == ["35.78"]
    assert [(p.appraised, p.share) for p in headline.trend] == [(2, 0.0), (3, 33.3)]


def test_a_quarter_without_final_appraisals_has_no_share(five: dict[str, Companion], admin: User) -> None:
    headline = performing_well_share(user=admin, period=dt.date(2025, 4, 1))
    assert (headline.total.appraised, headline.total.share, headline.total.against_baseline) == (0, None, None)
    assert {r.code: (r.appraised, r.share, r.active) for r in headline.regencies} == {
        "35.07": (0, None, 2),
        "35.78": (0, None, 4),
    }


def test_the_headline_is_counted_by_the_database_in_four_queries(
    five: dict[str, Companion], admin: User, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(4):  # type: ignore[operator]
        performing_well_share(user=admin, period=Q1)


def test_the_newest_appraised_quarter_is_the_default(five: dict[str, Companion], admin: User) -> None:
    assert latest_appraised_quarter(user=admin) == Q1


# --- coaching --------------------------------------------------------------------------------------------------


def test_the_companions_who_need_coaching_lowest_score_first(five: dict[str, Companion], admin: User) -> None:
    names = [a.companion.pk for a in companions_needing_coaching(user=admin, period=Q1)]
    assert names == [five["mlg2"].pk, five["sby2"].pk, five["sby3"].pk]
    regency = companions_needing_coaching(user=admin, period=Q1, regency="35.78")
    assert [a.companion.pk for a in regency] == [five["sby2"].pk, five["sby3"].pk]


def test_the_coaching_list_is_scoped(five: dict[str, Companion], surabaya_officer: User) -> None:
    forged = companions_needing_coaching(user=surabaya_officer, period=Q1, regency="35.07")
    assert list(forged) == []


def test_the_reasons_are_the_indicators_that_cost_most_score_points(surabaya_officer: User) -> None:
    quarter = known_quarter()
    appraisal = appraisal_start(actor=surabaya_officer, companion=quarter.companion, period=Q1)
    values = {"resource": 4, "motivator": 3, "facilitator": 2}
    ratings = {i.pk: values[i.role] for i in appraisal.rubric.indicators.exclude(role="data")}
    assert set(ratings) == set(rated_ids(appraisal.rubric))
    appraisal = appraisal_rate(actor=surabaya_officer, appraisal=appraisal, ratings=ratings, version=1)
    appraisal = appraisal_finalise(actor=surabaya_officer, appraisal=appraisal)
    assert appraisal.performing_well is False  # 67.50
    reasons = coaching_reasons(appraisal)
    # Facilitator rated 2 (weight 10): 10 × 0.6667 lost each; reports 3 of 6 on time (weight 10): 5 lost, tied with
    # the classification trend (1 of 2) and placed first by label; follow-ups (2.5) and motivator (2.33) cost less.
    assert [(r.label, r.lost) for r in reasons] == [
        ("Menghubungkan kelompok dengan mitra dan layanan", Decimal("6.67")),
        ("Menyelesaikan masalah dan konflik kelompok", Decimal("6.67")),
        ("Laporan bulanan tepat waktu", Decimal("5.00")),
    ]
    assert reasons[2].explanation == "3 of 6 monthly reports on time (1 late, 2 missing)."
    assert reasons[0].role_label == "facilitator (fasilitator)"
