"""The demo data generator (`seed_demo`) and the `demo` command (with --no-serve)."""

from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from pendamping.accounts.models import User
from pendamping.companions.models import Assignment, Companion
from pendamping.core.nik import parse_nik
from pendamping.demo.seed import REFERENCE_DATE, SeedResult, demo_seed
from pendamping.demo.users import DEMO_USERS
from pendamping.registry.models import BOARD, Family, Grant, Group, Membership, Tranche

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(regions: Any) -> SeedResult:
    return demo_seed(families=300, seed=7)


def _wipe() -> None:
    for model in (Assignment, Companion, Tranche, Grant, Membership, Group, Family):
        model.objects.all().delete()


def _snapshot() -> tuple[list[Any], list[Any], list[Any]]:
    families = list(Family.objects.order_by("id").values_list("nik", "kk_number", "head_name", "desa_id"))
    groups = list(Group.objects.order_by("id").values_list("code", "name", "status", "founded_on"))
    companions = list(Companion.objects.order_by("id").values_list("nik", "name", "regency_id"))
    return families, groups, companions


def test_the_same_seed_gives_the_same_data(regions: Any) -> None:
    demo_seed(families=300, seed=7)
    first = _snapshot()
    _wipe()
    demo_seed(families=300, seed=7)
    assert _snapshot() == first
    _wipe()
    demo_seed(families=300, seed=8)
    assert _snapshot()[0] != first[0]


def test_it_writes_exactly_the_families_asked_for_in_batches(regions: Any) -> None:
    seen: list[int] = []
    result = demo_seed(families=1234, seed=3, batch_size=500, progress=lambda r: seen.append(r.families))
    assert result.families == Family.objects.count() == 1234
    assert len(seen) == 3 and seen[-1] == 1234 and seen == sorted(seen)


def test_every_nik_is_valid_and_starts_with_the_kecamatan_of_its_desa(seeded: SeedResult) -> None:
    people = [*Family.objects.values_list("nik", "desa_id", "sex", "birth_date", "kk_number")]
    people += Companion.objects.values_list("nik", "home_desa_id", "sex", "birth_date", "nik")
    for nik, desa, sex, born, kk in people:
        info = parse_nik(nik)
        assert nik[:6] == desa.replace(".", "")[:6]
        assert (info.sex, info.birth_date) == (sex, born)
        assert len(kk) == 16 and kk.isdigit() and kk[:6] == nik[:6]
    assert len({p[0] for p in people}) == len(people)


def test_families_and_kube_carry_the_regency_of_their_desa(seeded: SeedResult) -> None:
    for model in (Family, Group):
        for desa, regency in model.objects.values_list("desa_id", "regency_id"):
            assert regency == desa[:5]
    regencies = set(Family.objects.values_list("regency_id", flat=True))
    assert {"35.78", "35.07"} <= regencies and len(regencies) >= 5


def test_every_active_kube_has_5_to_20_members_of_its_desa_and_one_of_each_board_role(seeded: SeedResult) -> None:
    active = Group.objects.filter(status=Group.Status.ACTIVE).prefetch_related("memberships__family")
    assert len(active) >= 15
    for group in active:
        current = [m for m in group.memberships.all() if m.left_on is None]
        assert 5 <= len(current) <= 20
        assert all(m.family.desa_id == group.desa_id and m.family.status == Family.Status.ACTIVE for m in current)
        roles = Counter(m.role for m in current)
        assert all(roles[role] == 1 for role in BOARD)


def test_no_family_is_in_two_current_kube_and_most_families_are_members(seeded: SeedResult) -> None:
    current = Membership.objects.current()
    assert not current.values("family").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert current.count() > 0.8 * seeded.families
    for m in Membership.objects.filter(left_on__isnull=False):
        assert m.joined_on <= m.left_on <= REFERENCE_DATE and m.left_reason


def test_kube_codes_are_the_desa_digits_and_a_sequence(seeded: SeedResult) -> None:
    for code, desa in Group.objects.values_list("code", "desa_id"):
        prefix, seq = code.split("-")
        assert prefix == desa.replace(".", "") and len(seq) == 3 and seq.isdigit()


def test_grants_are_20_to_30_juta_and_their_tranches_never_exceed_them(seeded: SeedResult) -> None:
    grants = Grant.objects.select_related("group").prefetch_related("tranches")
    assert grants.exists()
    for grant in grants:
        assert 20_000_000 <= grant.amount <= 30_000_000 and grant.amount % 500_000 == 0
        tranches = list(grant.tranches.all())
        assert 1 <= len(tranches) <= 2 and sum(t.amount for t in tranches) <= grant.amount
        assert all(grant.group.founded_on <= t.disbursed_on <= REFERENCE_DATE for t in tranches)
        assert grant.group.status != Group.Status.FORMING


def test_companions_keep_within_their_caseload_and_their_regency(seeded: SeedResult) -> None:
    companions = Companion.objects.annotate(n=Count("assignments")).order_by("id")
    assert len(companions) == 300 // 80
    for companion in companions:
        assert 1 <= companion.n <= companion.caseload_limit
        assert companion.regency_id == companion.home_desa_id[:5]
    for a in Assignment.objects.select_related("group", "companion"):
        assert a.ended_on is None and a.group.regency_id == a.companion.regency_id
        assert a.group.founded_on <= a.started_on <= REFERENCE_DATE


def test_seed_refuses_a_database_that_has_families(seeded: SeedResult) -> None:
    with pytest.raises(ValidationError, match="already has 300 families"):
        demo_seed(families=10, seed=1)
    with pytest.raises(CommandError, match="seed_demo only fills an empty database"):
        call_command("seed_demo", "--families", "10", stdout=StringIO())
    assert Family.objects.count() == 300


def test_demo_twice_creates_the_users_once_and_the_families_once(regions: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR, settings.STATIC_ROOT = tmp_path, tmp_path / "static"
    out = StringIO()
    call_command("demo", "--no-serve", "--families", "200", stdout=out)
    call_command("demo", "--no-serve", "--families", "200", stdout=out)
    assert Family.objects.count() == 200
    assert "already has 200 families" in out.getvalue()
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {d.username for d in DEMO_USERS}
    for demo in DEMO_USERS:
        assert users[demo.username].check_password(demo.password) and demo.password in out.getvalue()
    assert sorted(users["officer"].regency_codes) == ["35.07", "35.78"]
    assert Companion.objects.get(user=users["companion"]).assignments.filter(ended_on__isnull=True).exists()
