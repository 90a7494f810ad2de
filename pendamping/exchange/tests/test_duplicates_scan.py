"""Finding possible duplicates: each rule, what it leaves alone, the scope of a scan, a pair flagged once."""

import datetime as dt

import pytest

from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.exchange.models import PossibleDuplicate
from pendamping.exchange.services import duplicates as service
from pendamping.exchange.services.duplicates import (
    duplicate_dismiss,
    duplicates_scan,
    duplicates_scan_by_reason,
    name_similarity,
    normalise_name,
)
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    FamilyFactory,
    GroupFactory,
    MembershipFactory,
    nik_for,
    regency_of,
    village,
)

pytestmark = pytest.mark.django_db
BORN = dt.date(1975, 6, 14)
KK = "3578010101990001"


def pairs(reason: str) -> set[tuple[int, int]]:
    return set(PossibleDuplicate.objects.filter(reason=reason).values_list("first_id", "second_id"))


def ordered(a: Family, b: Family) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


# --- names -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Hj. Siti  Aminah, S.Pd.", "siti aminah"),
        ("Bpk. SLAMET riyadi", "slamet riyadi"),
        ("Ibu Sri Wahyuni", "sri wahyuni"),
        ("H.  Moh. Ali", "moh ali"),
        ("Alm. Sutrisno", "sutrisno"),
        ("St. Aminah", "st aminah"),  # "St." is usually Siti, not a title
        ("Hj.", ""),
    ],
)
def test_names_are_compared_without_titles_punctuation_or_case(raw: str, normal: str) -> None:
    assert normalise_name(raw) == normal


def test_names_are_similar_by_ratio_or_when_one_holds_all_words_of_the_other() -> None:
    assert name_similarity("slamet riyadi", "slamet riyadi") == 1.0
    assert name_similarity("slamet riyadi", "slamet riyady") >= 0.8  # type: ignore[operator]
    assert name_similarity("siti", "siti aminah") is not None  # contained, though the ratio is low
    assert name_similarity("slamet riyadi", "siti aminah") is None
    assert name_similarity("ani", "daniel") is None  # letters inside another word are no name
    assert name_similarity("", "siti") is None


# --- the three rules ---------------------------------------------------------------------------------------------


def test_same_kk_with_a_similar_head_name_is_flagged() -> None:
    a = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    b = FamilyFactory(kk_number=KK, head_name="H. Slamet Riyady")

    assert duplicates_scan() == 1

    flag = PossibleDuplicate.objects.get()
    assert (flag.reason, flag.first_id, flag.second_id) == ("kk_name", *ordered(a, b))
    assert flag.regency_id == "35.78" and flag.status == "open" and 0.8 <= flag.score < 1
    assert KK not in flag.detail and flag.detail.startswith("KK 3578")  # masked


def test_same_kk_with_clearly_different_names_is_not_flagged() -> None:
    """Husband and wife each registered as head under one KK: two people, no duplicate."""
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    FamilyFactory(kk_number=KK, head_name="Siti Aminah")
    FamilyFactory(head_name="Slamet Riyadi")  # same name, other KK, other birth date

    assert duplicates_scan() == 0
    assert not PossibleDuplicate.objects.exists()


def test_titles_are_ignored_when_name_and_birth_date_match_in_one_village() -> None:
    a = FamilyFactory(born=BORN, head_name="Bpk. Ahmad Fauzi")
    b = FamilyFactory(born=BORN, head_name="ahmad  fauzi")

    assert duplicates_scan_by_reason() == {"kk_name": 0, "name_birth": 1, "companion_member": 0}
    flag = PossibleDuplicate.objects.get()
    assert (flag.first_id, flag.second_id) == ordered(a, b) and flag.detail == "1975-06-14"


def test_same_name_and_birth_date_elsewhere_or_with_another_name_is_not_flagged() -> None:
    FamilyFactory(born=BORN, head_name="Ahmad Fauzi")
    FamilyFactory(born=BORN, head_name="Ahmad Fauzi", desa=village(MALANG_VILLAGE))  # another village
    FamilyFactory(born=BORN, head_name="Ahmad Fauzan")  # same village and day, another name
    FamilyFactory(born=dt.date(1975, 6, 15), head_name="Ahmad Fauzi")  # another day

    assert duplicates_scan() == 0


def test_a_pair_with_the_same_kk_is_flagged_once_not_for_each_rule() -> None:
    FamilyFactory(kk_number=KK, born=BORN, head_name="Ahmad Fauzi")
    FamilyFactory(kk_number=KK, born=BORN, head_name="Ahmad Fauzi")

    assert duplicates_scan_by_reason() == {"kk_name": 1, "name_birth": 0, "companion_member": 0}


def _kube_with(family: Family) -> object:
    group = GroupFactory(desa=family.desa, status="active")
    MembershipFactory(group=group, family=family)
    return group


def test_a_companion_heading_a_member_family_of_their_kube_is_flagged_by_nik() -> None:
    family = FamilyFactory(head_name="Dewi Lestari")
    companion = CompanionFactory(nik=family.nik, name="Dewi Lestari S.Sos")
    AssignmentFactory(group=_kube_with(family), companion=companion)

    assert duplicates_scan() == 1
    flag = PossibleDuplicate.objects.get()
    assert (flag.reason, flag.first_id, flag.second_id) == ("companion_member", companion.pk, family.pk)
    assert flag.detail == "nik" and flag.score == 1.0


def test_a_companion_is_flagged_by_birth_date_and_similar_name_when_the_niks_differ() -> None:
    family = FamilyFactory(born=BORN, head_name="Hj. Dewi Lestari")
    companion = CompanionFactory(born=BORN, name="Dewi Lestari")
    other = CompanionFactory(born=BORN, name="Bambang Sutejo")  # same birthday, another person
    AssignmentFactory(group=_kube_with(family), companion=companion)
    AssignmentFactory(group=_kube_with(FamilyFactory(born=BORN, head_name="Sri Rahayu")), companion=other)

    assert duplicates_scan() == 1
    assert pairs("companion_member") == {(companion.pk, family.pk)}


def test_a_companion_is_not_flagged_for_a_past_membership_or_another_kube() -> None:
    family = FamilyFactory()
    group = GroupFactory(desa=family.desa)
    MembershipFactory(group=group, family=family, left_on=dt.date(2024, 1, 1))
    AssignmentFactory(group=group, companion=CompanionFactory(nik=family.nik))
    member = FamilyFactory()
    _kube_with(member)
    AssignmentFactory(companion=CompanionFactory(nik=member.nik))  # accompanies another KUBE

    assert duplicates_scan() == 0


# --- scope, repetition, decisions ----------------------------------------------------------------------------------


def test_a_scan_with_ids_flags_only_pairs_involving_those_families() -> None:
    a = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    b = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    c = FamilyFactory(born=BORN, head_name="Ahmad Fauzi")
    FamilyFactory(born=BORN, head_name="Ahmad Fauzi")

    assert duplicates_scan(family_ids=[b.pk]) == 1
    assert pairs("kk_name") == {ordered(a, b)} and not pairs("name_birth")
    assert duplicates_scan(family_ids=[c.pk]) == 1
    assert duplicates_scan(family_ids=[]) == 0


def test_many_ids_take_the_whole_table_pass_and_keep_only_their_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "FULL_SCAN_ABOVE", 1)
    a = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    b = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    FamilyFactory(born=BORN, head_name="Ahmad Fauzi")
    FamilyFactory(born=BORN, head_name="Ahmad Fauzi")

    assert duplicates_scan(family_ids=[a.pk, FamilyFactory().pk]) == 1
    assert pairs("kk_name") == {ordered(a, b)}


def test_a_kk_shared_by_very_many_families_pairs_exact_names_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "BIG_GROUP", 2)
    a = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    b = FamilyFactory(kk_number=KK, head_name="Bpk Slamet Riyadi")
    FamilyFactory(kk_number=KK, head_name="Slamet Riyady")

    assert duplicates_scan() == 1
    assert pairs("kk_name") == {ordered(a, b)}


def test_a_scan_of_one_regency_leaves_the_others_alone() -> None:
    malang = village(MALANG_VILLAGE)
    FamilyFactory(desa=malang, regency=regency_of(malang), born=BORN, head_name="Ahmad Fauzi")
    FamilyFactory(desa=malang, regency=regency_of(malang), born=BORN, head_name="Ahmad Fauzi")

    assert duplicates_scan(regency="35.78") == 0
    assert duplicates_scan(regency="35.07") == 1
    assert PossibleDuplicate.objects.get().regency_id == "35.07"


def test_scanning_again_creates_nothing_new() -> None:
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")

    assert duplicates_scan() == 1
    assert duplicates_scan() == 0
    assert duplicates_scan(family_ids=Family.objects.values_list("pk", flat=True)) == 0
    assert PossibleDuplicate.objects.count() == 1


def test_a_dismissed_pair_stays_dismissed(surabaya_officer: object) -> None:
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    duplicates_scan()
    duplicate_dismiss(actor=surabaya_officer, duplicate=PossibleDuplicate.objects.get(), note="kakak beradik")

    assert duplicates_scan() == 0
    flag = PossibleDuplicate.objects.get()
    assert (flag.status, flag.note, flag.decided_by) == ("dismissed", "kakak beradik", surabaya_officer)


def test_a_scan_records_the_import_batch_that_caused_it(surabaya_officer: object) -> None:
    from pendamping.exchange.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="families", file_name="kbs.csv", file_sha256="0" * 64, created_by=surabaya_officer
    )
    a = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")

    assert duplicates_scan(family_ids=[a.pk], batch=batch) == 1
    assert PossibleDuplicate.objects.get().batch == batch


# --- size ----------------------------------------------------------------------------------------------------------


def _bulk_families(n: int) -> None:
    """n families in one village, written in bulk: distinct names and KK numbers, but only 840 birth dates among
    them (birth_for cycles), so the (village, birth date) groups are large and must still yield no pair."""
    from pendamping.registry.tests.factories import birth_for

    desa = village()
    rows = []
    for i in range(n):
        nik = nik_for(desa, i, female=True)  # female NIKs: never one a factory (male by default) makes
        born = birth_for(i)
        rows.append(
            Family(
                nik=nik,
                kk_number=f"35780299{i:08d}",
                head_name=f"Warga Nomor {i}",
                sex="F",
                birth_date=born,
                desa=desa,
                regency_id="35.78",
            )
        )
    Family.objects.bulk_create(rows, batch_size=2000)


def test_a_scan_over_twenty_thousand_families_finds_exactly_the_planted_pairs() -> None:
    _bulk_families(20_000)
    kk = [FamilyFactory(kk_number=KK, head_name=name) for name in ("Slamet Riyadi", "H. Slamet Riyadi")]
    nb = [FamilyFactory(born=BORN, head_name=name) for name in ("Ahmad Fauzi", "Bpk. Ahmad Fauzi")]
    member = FamilyFactory(head_name="Dewi Lestari")
    companion = CompanionFactory(nik=member.nik, name="Dewi Lestari")
    AssignmentFactory(group=_kube_with(member), companion=companion)

    assert Family.objects.count() > 20_000
    assert duplicates_scan_by_reason() == {"kk_name": 1, "name_birth": 1, "companion_member": 1}
    assert pairs("kk_name") == {ordered(*kk)} and pairs("name_birth") == {ordered(*nb)}
    assert pairs("companion_member") == {(companion.pk, member.pk)}
    ids = list(Family.objects.values_list("pk", flat=True))
    assert duplicates_scan(family_ids=ids) == 0  # the import's path: every id, nothing new
