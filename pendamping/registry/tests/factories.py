"""Factories for families, KUBE, members and grants. They write rows directly (no services, no audit) so a
test sets up exactly the state it needs; they rely on the region table the root conftest loads once.

NIKs are valid and unique: the first 6 digits are the kecamatan of the row's desa, the serial comes from a
sequence, and sex and birth date are derived from the NIK as the services do."""

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from pendamping.core.nik import parse_nik
from pendamping.regions.models import Region
from pendamping.registry.models import BoardRole, Family, Grant, Group, Membership, Scheme, Tranche

SURABAYA_VILLAGE = "35.78.01.1001"  # Karang Pilang, kec. Karang Pilang, Kota Surabaya
MALANG_VILLAGE = "35.07.01.2001"  # Tulungrejo, kec. Donomulyo, Kabupaten Malang


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def village(code: str = SURABAYA_VILLAGE) -> Region:
    """The desa/kelurahan with this code, from the loaded region table."""
    return Region.objects.get(code=code, level=Region.Level.VILLAGE)


def regency_of(desa: Region) -> Region:
    return region(desa.code[:5])


def birth_for(n: int) -> dt.date:
    """A spread of adult birth dates, so NIKs differ in more than the serial."""
    return dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)


def sequence_nik(desa: Region, n: int, *, female: bool = False, born: dt.date | None = None) -> str:
    """The NIK of a factory's n-th row: serials 0001-9000 only, so the NIKs tests spell out with
    nik_for(desa, 9001..9998) never meet one a factory made earlier in a long run (the birth date still follows
    the whole sequence number, so the NIKs stay unique)."""
    return nik_for(desa, n % 9000, female=female, born=born or birth_for(n))


def nik_for(desa: Region, n: int, *, female: bool = False, born: dt.date | None = None) -> str:
    """A valid NIK for someone registered in `desa`'s kecamatan; `n` makes it unique (serial 0001-9999)."""
    born = born or birth_for(n)
    day = born.day + 40 if female else born.day
    return f"{desa.nik_prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{n % 9999 + 1:04d}"


class FamilyFactory(DjangoModelFactory[Family]):
    """`FamilyFactory(desa=village("35.07.01.2001"), female=True)`. Set `desa`; `regency` follows it."""

    class Meta:
        model = Family

    class Params:
        female = False
        born = None

    desa = factory.LazyFunction(village)
    regency = factory.LazyAttribute(lambda o: regency_of(o.desa))
    nik = factory.LazyAttributeSequence(lambda o, n: sequence_nik(o.desa, n, female=o.female, born=o.born))
    kk_number = factory.LazyAttributeSequence(lambda o, n: f"{o.desa.nik_prefix}{n % 10**10:010d}")
    head_name = factory.Faker("name", locale="id_ID")
    sex = factory.LazyAttribute(lambda o: parse_nik(o.nik).sex)
    birth_date = factory.LazyAttribute(lambda o: parse_nik(o.nik).birth_date)
    address = factory.Faker("street_address", locale="id_ID")
    rt = "001"
    rw = "002"
    household_size = 4
    monthly_income = 1_200_000
    status = Family.Status.ACTIVE


class SchemeFactory(DjangoModelFactory[Scheme]):
    class Meta:
        model = Scheme

    name = factory.Sequence(lambda n: f"Skema {n}")
    min_members = 5
    max_members = 20


class GroupFactory(DjangoModelFactory[Group]):
    """A KUBE with no members (status *forming*); see `kube_with_members` for a complete one."""

    class Meta:
        model = Group

    # The services number codes "<desa digits>-001"; an "F" prefix can never collide with them.
    code = factory.Sequence(lambda n: f"F{n:07d}")
    name = factory.Sequence(lambda n: f"KUBE Maju Bersama {n}")
    desa = factory.LazyFunction(village)
    regency = factory.LazyAttribute(lambda o: regency_of(o.desa))
    sector = Group.Sector.TRADE
    founded_on = dt.date(2023, 1, 15)
    status = Group.Status.FORMING


class MembershipFactory(DjangoModelFactory[Membership]):
    """The family defaults to a new one living in the group's desa."""

    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    family = factory.SubFactory(FamilyFactory, desa=factory.SelfAttribute("..group.desa"))
    role = BoardRole.ANGGOTA
    joined_on = dt.date(2023, 2, 1)


class GrantFactory(DjangoModelFactory[Grant]):
    class Meta:
        model = Grant

    group = factory.SubFactory(GroupFactory)
    amount = 10_000_000
    source = Grant.Source.APBN
    year = 2024


class TrancheFactory(DjangoModelFactory[Tranche]):
    class Meta:
        model = Tranche

    grant = factory.SubFactory(GrantFactory)
    number = factory.LazyAttribute(lambda o: o.grant.tranches.count() + 1)
    amount = 5_000_000
    disbursed_on = dt.date(2024, 3, 1)


def kube_with_members(members: int = 5, **group_fields: Any) -> Group:
    """An active KUBE with a full board (ketua, sekretaris, bendahara) and `members` current members."""
    group = GroupFactory(**{"status": Group.Status.ACTIVE, **group_fields})
    roles = [BoardRole.KETUA, BoardRole.SEKRETARIS, BoardRole.BENDAHARA]
    for i in range(members):
        MembershipFactory(group=group, role=roles[i] if i < len(roles) else BoardRole.ANGGOTA)
    return group
