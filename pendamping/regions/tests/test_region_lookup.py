"""regions.selectors.region_lookup: the process's copy of the region names that the family list reads."""

from typing import Any

import pytest

from pendamping.regions import selectors
from pendamping.regions.models import Region
from pendamping.regions.selectors import region_lookup

pytestmark = pytest.mark.django_db


def test_it_holds_every_region_with_its_parent(regions: Any) -> None:
    rows = region_lookup.of(["35.78.01.1001"])
    assert len(rows) == Region.objects.count()
    assert rows["35.78.01.1001"] == ("Karang Pilang", "35.78.01")
    assert rows["35.78"][1] == "35" and rows["35"][1] == ""


def test_a_region_loaded_since_is_found_at_once(regions: Any) -> None:
    region_lookup.of(["35.78"])
    Region.objects.create(code="35.78.01.1999", name="Desa Baru", level=Region.Level.VILLAGE, parent_id="35.78.01")
    assert region_lookup.of(["35.78.01.1999"])["35.78.01.1999"] == ("Desa Baru", "35.78.01")


def test_a_renamed_region_is_read_again_after_the_time_it_is_trusted(regions: Any, monkeypatch: Any) -> None:
    region_lookup.of(["35.78"])
    Region.objects.filter(code="35.78").update(name="Kota Pahlawan")
    assert region_lookup.of(["35.78"])["35.78"][0] == "Kota Surabaya"  # within LOOKUP_SECONDS: the copy
    monkeypatch.setattr(selectors, "LOOKUP_SECONDS", 0.0)
    assert region_lookup.of(["35.78"])["35.78"][0] == "Kota Pahlawan"
