"""The family tally (registry.models.FamilyTally) agrees with a count of the families after every kind of write:
the ORM one row at a time, bulk inserts, queryset updates and deletes, raw SQL, PostgreSQL's COPY and TRUNCATE;
and the API's family list reads its count from it exactly when the filters allow."""

import random
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client

from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import UserFactory
from pendamping.registry.models import Family, FamilyTally
from pendamping.registry.selectors import RegistryFilters, family_count, family_list
from pendamping.registry.services import family_tally_compact
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, FamilyFactory, region, village

pytestmark = pytest.mark.django_db
STATUSES = list(Family.Status.values)


def tally() -> dict[tuple[str, str], int]:
    rows = FamilyTally.objects.values_list("regency_code", "status").annotate(n=Sum("families"))
    return {(code, status): n for code, status, n in rows if n}


def counted() -> dict[tuple[str, str], int]:
    rows = Family.objects.values_list("regency_id", "status").annotate(n=Count("pk")).order_by()
    return {(code, status): n for code, status, n in rows}


def some_families(rng: random.Random, n: int) -> list[Family]:
    desas = [village(SURABAYA_VILLAGE), village(MALANG_VILLAGE)]
    return [FamilyFactory.build(desa=rng.choice(desas), status=rng.choice(STATUSES)) for _ in range(n)]


def a_write(rng: random.Random) -> None:
    """One of the ways families are written, chosen by `rng`."""
    ids = list(Family.objects.values_list("pk", flat=True))
    kind = rng.randrange(7) if ids else 0
    if kind == 0:
        Family.objects.bulk_create(some_families(rng, rng.randint(1, 6)))
    elif kind == 1:
        some_families(rng, 1)[0].save()
    elif kind == 2:  # a form: one row's status
        family = Family.objects.get(pk=rng.choice(ids))
        family.status = rng.choice(STATUSES)
        family.save()
    elif kind == 3:  # moved to another regency
        desa = village(rng.choice([SURABAYA_VILLAGE, MALANG_VILLAGE]))
        Family.objects.filter(pk__in=rng.sample(ids, min(3, len(ids)))).update(desa=desa, regency=region(desa.code[:5]))
    elif kind == 4:  # a bulk status change, some rows already in it
        Family.objects.filter(pk__in=rng.sample(ids, min(4, len(ids)))).update(status=rng.choice(STATUSES))
    elif kind == 5:
        Family.objects.filter(pk__in=rng.sample(ids, min(2, len(ids)))).delete()
    else:  # raw SQL, past the ORM
        with connection.cursor() as cursor:
            cursor.execute("UPDATE registry_family SET status = %s WHERE id = %s", [rng.choice(STATUSES), ids[0]])


@pytest.mark.parametrize("seed", range(4))
def test_the_tally_matches_a_count_after_every_kind_of_write(seed: int) -> None:
    rng = random.Random(seed)
    for step in range(25):
        a_write(rng)
        assert tally() == counted(), f"seed {seed}, step {step}"


def test_the_list_count_comes_from_the_tally_only_when_the_filters_allow(surabaya_officer: Any) -> None:
    FamilyFactory.create_batch(3, desa=village(SURABAYA_VILLAGE))
    FamilyFactory(desa=village(SURABAYA_VILLAGE), status=Family.Status.GRADUATED)
    FamilyFactory.create_batch(2, desa=village(MALANG_VILLAGE))
    admin = UserFactory(role="admin")
    cases = [
        (surabaya_officer, RegistryFilters()),
        (surabaya_officer, RegistryFilters(status="graduated")),
        (surabaya_officer, RegistryFilters(regency="35.07")),  # outside the officer's regency: none
        (admin, RegistryFilters()),
        (admin, RegistryFilters(regency="35.07", status="active")),
        (admin, RegistryFilters(regency="not-a-code")),  # ignored by the list, so by the tally
    ]
    for user, filters in cases:
        assert family_count(user=user, filters=filters) == family_list(user=user, filters=filters).count(), filters
    for filters in (
        RegistryFilters(q="a"),
        RegistryFilters(kecamatan="35.78.01"),
        RegistryFilters(desa=SURABAYA_VILLAGE),
    ):
        assert family_count(user=admin, filters=filters) is None  # these count the list itself
    assert family_count(user=UserFactory(role="companion"), filters=RegistryFilters()) is None


def test_the_api_list_reports_the_tallied_count(surabaya_officer: Any) -> None:
    FamilyFactory.create_batch(3, desa=village(SURABAYA_VILLAGE))
    client = Client(headers={"Authorization": f"Bearer {token_create(user=surabaya_officer, name='t')[1]}"})
    expected = family_list(user=surabaya_officer, filters=RegistryFilters()).count()
    body = client.get("/api/families?page_size=2").json()
    assert (body["count"], body["pages"], len(body["items"])) == (expected, -(-expected // 2), 2)
    Family.objects.filter(regency_id="35.78").update(status=Family.Status.MOVED)
    assert client.get("/api/families?status=active").json()["count"] == 0


@pytest.mark.postgres
def test_copy_and_truncate_keep_the_tally_on_postgresql() -> None:
    rows = some_families(random.Random(7), 40)
    columns = ["nik", "kk_number", "head_name", "sex", "birth_date", "address", "rt", "rw", "desa_id", "regency_id"]
    columns += ["household_size", "monthly_income", "dtks_id", "status", "version", "created_at", "updated_at"]
    with connection.cursor() as cursor, cursor.copy(f"COPY registry_family ({', '.join(columns)}) FROM STDIN") as copy:
        for family in rows:
            family.created_at = family.updated_at = family.birth_date
            copy.write_row([getattr(family, name) for name in columns])
    assert tally() == counted() and sum(tally().values()) >= 40
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's one transaction still holds the COPY's FK checks
        cursor.execute("TRUNCATE registry_family CASCADE")
    assert tally() == counted() == {}


@pytest.mark.postgres
def test_compaction_adds_the_rows_up_without_changing_a_sum() -> None:
    rng = random.Random(3)
    for _ in range(30):
        Family.objects.bulk_create(some_families(rng, 2))  # one statement, one or two appended rows each
    before, rows = tally(), FamilyTally.objects.count()
    assert family_tally_compact()
    assert tally() == before == counted()
    assert FamilyTally.objects.count() == len(before) < rows


@pytest.mark.django_db(transaction=True)
def test_a_flush_of_the_database_leaves_an_empty_tally() -> None:
    """Transactional tests and `pendamping flush` empty every table; the families deleted then must not be counted
    as removals into a tally the flush has already emptied (SQLite deletes row by row, in no fixed order)."""
    FamilyFactory.create_batch(3, desa=village(SURABAYA_VILLAGE))
    call_command("flush", interactive=False, verbosity=0)
    assert not Family.objects.exists() and tally() == {}
