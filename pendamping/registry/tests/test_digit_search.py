"""Searching families by the first digits of a NIK or KK: a range on the plain index (selectors.digits_from), the
same rows as "starts with" for every prefix, carries included."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pendamping.registry.models import Family
from pendamping.registry.selectors import digits_from
from pendamping.registry.tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

NIKS = ["3578010101900001", "3578017101900002", "3578020101900003", "3578990101900004", "3579000101900005"]


@pytest.fixture
def families(regions):
    return [FamilyFactory(nik=nik, kk_number=nik[::-1]) for nik in NIKS]


@pytest.mark.parametrize(
    "prefix", ["3", "35", "357801", "3578017", "35789", "357899", "3579", "9", "99", "3578990101900004"]
)
def test_the_range_finds_what_starts_with_the_digits(families, prefix):
    found = set(Family.objects.filter(digits_from("nik", prefix)).values_list("nik", flat=True))
    assert found == {nik for nik in NIKS if nik.startswith(prefix)}


def test_anything_but_ascii_digits_finds_nothing(families):
    for prefix in ("", "35a", "٣٥", "3578 01"):
        assert not Family.objects.filter(digits_from("nik", prefix)).exists()


@settings(max_examples=200)
@given(prefix=st.text("0123456789", min_size=1, max_size=16), value=st.text("0123456789", min_size=16, max_size=16))
def test_the_bounds_match_starts_with_for_any_digits(prefix, value):
    """Without the database: the range's bounds compare as the database compares digit strings."""
    bounds = dict(digits_from("nik", prefix).children)
    inside = value >= bounds["nik__gte"] and ("nik__lt" not in bounds or value < bounds["nik__lt"])
    assert inside == value.startswith(prefix)
