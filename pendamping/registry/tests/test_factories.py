"""The registry factories make rows that obey the domain rules the services enforce."""

import pytest

from pendamping.core.nik import parse_nik
from pendamping.regions.models import Region
from pendamping.registry.models import BoardRole, Family, Group, Membership
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    FamilyFactory,
    GrantFactory,
    MembershipFactory,
    TrancheFactory,
    kube_with_members,
    village,
)

pytestmark = pytest.mark.django_db


def test_a_family_has_a_valid_nik_from_its_kecamatan_and_derived_sex_and_birth_date() -> None:
    family = FamilyFactory(female=True)
    info = parse_nik(family.nik)
    assert family.nik.startswith("357801") and family.kk_number.startswith("357801")
    assert (family.sex, family.birth_date) == ("F", info.birth_date) == ("F", family.birth_date)
    assert (family.desa_id, family.regency_id) == ("35.78.01.1001", "35.78")


def test_the_regency_follows_the_desa() -> None:
    family = FamilyFactory(desa=village(MALANG_VILLAGE))
    assert (family.regency_id, family.nik[:6]) == ("35.07", "350701")


def test_niks_are_unique_across_many_families() -> None:
    families = FamilyFactory.create_batch(50)
    assert len({f.nik for f in families}) == 50
    assert Family.objects.count() == 50


def test_village_refuses_a_code_that_is_not_a_desa() -> None:
    with pytest.raises(Region.DoesNotExist):
        village("35.78")


def test_a_member_lives_in_the_groups_desa() -> None:
    membership = MembershipFactory(group__desa=village(MALANG_VILLAGE))
    assert membership.family.desa_id == membership.group.desa_id == MALANG_VILLAGE
    assert membership.group.regency_id == "35.07"


def test_kube_with_members_has_a_full_board() -> None:
    group = kube_with_members(7)
    roles = list(Membership.objects.filter(group=group).values_list("role", flat=True))
    assert group.status == Group.Status.ACTIVE and len(roles) == 7
    assert sorted(r for r in roles if r != BoardRole.ANGGOTA) == ["bendahara", "ketua", "sekretaris"]


def test_tranches_are_numbered_per_grant() -> None:
    grant = GrantFactory()
    assert [TrancheFactory(grant=grant).number for _ in range(3)] == [1, 2, 3]
