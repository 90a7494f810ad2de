"""Partnership reads: who sees which partner (province-wide ones by every regional role, a companion only the
partners of their KUBE's agreements), list filters, and the coverage indicators on a hand-built fixture."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.partnerships.models import Partner
from pendamping.partnerships.selectors import (
    PROVINCE,
    AgreementFilters,
    PartnerFilters,
    agreement_list,
    group_partnerships,
    partner_list,
    partnership_coverage,
)
from pendamping.partnerships.tests.factories import MALANG, SURABAYA, ActivityFactory, AgreementFactory, PartnerFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, region, village

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 6, 1)


def _names(user: User, **filters: Any) -> set[str]:
    return {p.name for p in partner_list(user=user, filters=PartnerFilters(**filters))}


@pytest.fixture
def partners() -> dict[str, Partner]:
    return {
        "surabaya": PartnerFactory(name="Toko Surabaya"),
        "malang": PartnerFactory(name="Toko Malang", regency=region(MALANG), type=Partner.Type.COMMUNITY),
        "province": PartnerFactory(name="Bank Jatim", regency=None, type=Partner.Type.GOVERNMENT),
    }


@pytest.mark.usefixtures("partners")
@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
def test_regional_roles_see_their_regencys_partners_and_the_province_wide_ones(
    role: str, request: pytest.FixtureRequest
) -> None:
    assert _names(request.getfixturevalue(role)) == {"Toko Surabaya", "Bank Jatim"}


@pytest.mark.usefixtures("partners")
def test_officers_of_any_regency_see_the_province_wide_partners(malang_officer: User, admin: User) -> None:
    assert _names(malang_officer) == {"Toko Malang", "Bank Jatim"}
    assert _names(admin) == {"Toko Surabaya", "Toko Malang", "Bank Jatim"}


@pytest.mark.usefixtures("partners")
@pytest.mark.parametrize("role", ["norole", "officer_without_region", "evaluator"])
def test_users_without_a_scope_see_no_partner(role: str, request: pytest.FixtureRequest) -> None:
    assert _names(request.getfixturevalue(role)) == set()


def test_a_companion_sees_the_partners_of_the_agreements_covering_their_kube(
    companion_user: User, partners: dict[str, Partner]
) -> None:
    mine, other = GroupFactory(), GroupFactory()
    AssignmentFactory(group=mine, companion=CompanionFactory(user=companion_user))
    assert _names(companion_user) == set()  # the province-wide partner too: a companion is not a regional role

    AgreementFactory(partner=partners["province"], groups=[mine])
    AgreementFactory(partner=partners["surabaya"], groups=[other])

    assert _names(companion_user) == {"Bank Jatim"}


def test_partner_filters(admin: User, partners: dict[str, Partner]) -> None:
    assert _names(admin, regency=PROVINCE) == {"Bank Jatim"}
    assert _names(admin, regency=MALANG) == {"Toko Malang"}
    assert _names(admin, regency="35.07' OR 1=1") == {"Toko Surabaya", "Toko Malang", "Bank Jatim"}
    assert _names(admin, type="community") == {"Toko Malang"}
    assert _names(admin, q="toko") == {"Toko Surabaya", "Toko Malang"}


def test_an_officer_counts_only_the_agreements_they_see(
    surabaya_officer: User, admin: User, partners: dict[str, Partner]
) -> None:
    bank = partners["province"]
    AgreementFactory(partner=bank, regency=region(SURABAYA))
    AgreementFactory(partner=bank, regency=region(MALANG))

    counts = {p.name: p.agreement_count for p in partner_list(user=surabaya_officer, filters=PartnerFilters())}
    assert counts == {"Bank Jatim": 1, "Toko Surabaya": 0}
    assert partner_list(user=admin, filters=PartnerFilters(q="Bank")).get().agreement_count == 2


def test_agreement_filters(admin: User) -> None:
    a, b = GroupFactory(), GroupFactory()
    running = AgreementFactory(title="Pemasaran", groups=[a, b], scope_marketing=True)
    ended = AgreementFactory(
        title="Modal", groups=[a], scope_marketing=False, scope_capital=True, end_on=dt.date(2024, 12, 31)
    )
    malang = AgreementFactory(partner=PartnerFactory(regency=region(MALANG)), title="Pelatihan Malang")

    def titles(**filters: Any) -> set[str]:
        return {x.title for x in agreement_list(user=admin, filters=AgreementFilters(**filters))}

    assert titles() == {"Pemasaran", "Modal", "Pelatihan Malang"}
    assert titles(scope="capital") == {"Modal"}
    assert titles(active_on=ON) == {"Pemasaran", "Pelatihan Malang"}
    assert titles(regency=MALANG) == {"Pelatihan Malang"}
    assert titles(partner_id=running.partner_id) == {"Pemasaran"}
    assert titles(group_id=a.pk) == {"Pemasaran", "Modal"}
    assert titles(q="pelatihan") == {"Pelatihan Malang"}
    counts = {x.title: x.group_count for x in agreement_list(user=admin, filters=AgreementFilters(group_id=a.pk))}
    assert counts == {"Pemasaran": 2, "Modal": 1}  # the filter on one KUBE does not shrink the count
    assert malang.pk not in {x.pk for x in agreement_list(user=admin, filters=AgreementFilters(group_id=b.pk))}
    assert ended.pk in {x.pk for x in agreement_list(user=admin, filters=AgreementFilters.from_params({"scope": ""}))}


def test_agreement_filters_from_forged_parameters_are_ignored() -> None:
    filters = AgreementFilters.from_params(
        {"partner_id": "1 OR 1", "group_id": "9" * 30, "active_on": "2025-13-01", "regency": "x" * 500}
    )
    assert (filters.partner_id, filters.group_id, filters.active_on, len(filters.regency)) == (None, None, None, 60)


# --- coverage --------------------------------------------------------------------------------------------


@pytest.fixture
def fixture() -> dict[str, Any]:
    """Surabaya: 5 active KUBE. s1 and s2 covered by a running agreement (s1 by two of them), s3 only by an
    ended one, s4 only by one starting later, s5 by none; a forming and an inactive KUBE covered too, which do
    not count. Malang: 2 active KUBE, one covered by a province-wide bank. Coverage on 2025-06-01: Surabaya
    2 of 5 (40%), Malang 1 of 2 (50%), together 3 of 7."""
    s = [GroupFactory(name=f"S{i}", status=Group.Status.ACTIVE) for i in range(1, 6)]
    forming = GroupFactory(status=Group.Status.FORMING)
    inactive = GroupFactory(status=Group.Status.INACTIVE)
    m = [GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE) for _ in range(2)]
    shop = PartnerFactory(name="Toko Oleh-oleh", type=Partner.Type.PRIVATE)
    ngo = PartnerFactory(name="Yayasan Peduli", type=Partner.Type.COMMUNITY)
    bank = PartnerFactory(name="Bank Jatim", regency=None, type=Partner.Type.GOVERNMENT)
    PartnerFactory(name="Toko Tanpa Perjanjian", type=Partner.Type.PRIVATE)
    AgreementFactory(partner=shop, groups=[s[0], s[1], forming, inactive], start_on=dt.date(2025, 1, 1))
    AgreementFactory(partner=ngo, groups=[s[0]], end_on=dt.date(2025, 6, 1))  # its last day: still running
    AgreementFactory(partner=ngo, groups=[s[2]], end_on=dt.date(2025, 5, 31))
    AgreementFactory(partner=shop, groups=[s[3]], start_on=dt.date(2025, 6, 2))
    AgreementFactory(partner=bank, regency=region(MALANG), groups=[m[0]])
    return {"surabaya": s, "malang": m}


def _rows(coverage: Any) -> dict[str, tuple[int, int, float | None]]:
    return {r.code: (r.active, r.covered, r.share) for r in coverage.regencies if r.active or r.covered}


@pytest.mark.usefixtures("fixture")
def test_coverage_by_regency_for_the_provincial_admin(admin: User) -> None:
    coverage = partnership_coverage(user=admin, on=ON)

    assert _rows(coverage) == {SURABAYA: (5, 2, 40.0), MALANG: (2, 1, 50.0)}
    assert len(coverage.regencies) == 38  # every regency of the province, most without KUBE in this fixture
    empty = next(r for r in coverage.regencies if r.code == "35.01")
    assert (empty.active, empty.covered, empty.share) == (0, 0, None)
    assert (coverage.total.active, coverage.total.covered, coverage.total.share) == (7, 3, 42.9)


@pytest.mark.usefixtures("fixture")
def test_partners_by_type_with_those_running_an_agreement(admin: User) -> None:
    by_type = {t.type: (t.partners, t.engaged) for t in partnership_coverage(user=admin, on=ON).by_type}

    assert by_type == {"government": (1, 1), "private": (2, 1), "community": (1, 1)}
    later = {t.type: t.engaged for t in partnership_coverage(user=admin, on=dt.date(2025, 6, 2)).by_type}
    assert later == {"government": 1, "private": 1, "community": 0}


@pytest.mark.usefixtures("fixture")
def test_coverage_on_another_day(admin: User) -> None:
    """On 2025-06-02 the community agreement of s1 has ended (s1 stays covered by the shop) and s4's starts."""
    assert _rows(partnership_coverage(user=admin, on=dt.date(2025, 6, 2)))[SURABAYA] == (5, 3, 60.0)
    assert _rows(partnership_coverage(user=admin, on=dt.date(2023, 1, 1))) == {
        SURABAYA: (5, 0, 0.0),
        MALANG: (2, 0, 0.0),
    }


@pytest.mark.usefixtures("fixture")
def test_an_officer_sees_the_coverage_of_their_regency_only(surabaya_officer: User) -> None:
    coverage = partnership_coverage(user=surabaya_officer, on=ON)

    assert [(r.code, r.active, r.covered) for r in coverage.regencies] == [(SURABAYA, 5, 2)]
    # Their own partners and the province-wide bank; the bank's Malang agreement is not theirs to count.
    assert {t.type: (t.partners, t.engaged) for t in coverage.by_type} == {
        "government": (1, 0),
        "private": (2, 1),
        "community": (1, 1),
    }


def test_an_officer_of_a_regency_without_kube_sees_it_with_nothing_to_cover(malang_officer: User) -> None:
    assert [(r.code, r.active, r.share) for r in partnership_coverage(user=malang_officer).regencies] == [
        (MALANG, 0, None)
    ]


def test_a_companion_sees_the_coverage_of_their_kube(companion_user: User, fixture: dict[str, Any]) -> None:
    companion = CompanionFactory(user=companion_user)
    AssignmentFactory(group=fixture["surabaya"][0], companion=companion)
    AssignmentFactory(group=fixture["surabaya"][4], companion=companion)

    coverage = partnership_coverage(user=companion_user, on=ON)

    assert [(r.code, r.active, r.covered) for r in coverage.regencies] == [(SURABAYA, 2, 1)]


def test_the_coverage_costs_the_same_queries_however_many_kube(admin: User) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            partnership_coverage(user=admin, on=ON)
        return len(ctx.captured_queries)

    AgreementFactory(groups=[GroupFactory(status=Group.Status.ACTIVE)])
    few = count()
    AgreementFactory(groups=[GroupFactory(status=Group.Status.ACTIVE) for _ in range(20)])
    AgreementFactory(
        partner=PartnerFactory(regency=region(MALANG)), groups=[GroupFactory(desa=village(MALANG_VILLAGE))]
    )
    assert count() == few <= 3


# --- the KUBE page ------------------------------------------------------------------------------------


def test_a_kubes_partnerships_running_upcoming_and_ended_with_its_activities() -> None:
    kube, neighbour = GroupFactory(), GroupFactory()
    running = AgreementFactory(title="Berjalan", groups=[kube, neighbour])
    later = AgreementFactory(title="Nanti", groups=[kube], start_on=dt.date(2025, 7, 1))
    ended = AgreementFactory(title="Selesai", groups=[kube], end_on=dt.date(2025, 1, 31))
    AgreementFactory(title="Lain", groups=[neighbour])
    ours = ActivityFactory(agreement=running, group=kube, description="Pesanan kami", on=dt.date(2025, 3, 1))
    whole = ActivityFactory(agreement=running, description="Pelatihan bersama", on=dt.date(2025, 4, 1))
    ActivityFactory(agreement=running, group=neighbour, description="Pesanan tetangga")

    result = group_partnerships(group=kube, on=ON)

    assert (result.active, result.upcoming, result.ended) == ([running], [later], [ended])
    assert result.activities == [whole, ours]
