"""The families file of `pendamping families_csv` (the import benchmark's input): valid, unique and listed village
by village like a DTKS/SIKS-NG export."""

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pendamping.demo import people
from pendamping.demo.families_file import HEADER, families_csv_write

pytestmark = pytest.mark.django_db


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_file_lists_unique_families_village_by_village(regions, tmp_path):
    path = tmp_path / "f.csv"
    assert families_csv_write(path=path, rows=500, regencies=["35.79"]) == 500

    rows = read(path)
    villages = [row["KODE DESA"] for row in rows]
    assert list(rows[0]) == list(HEADER) and len(rows) == 500
    assert villages == sorted(villages) and len(set(villages)) > 10
    assert all(code.startswith("35.79.") for code in villages)
    assert len({row["NIK"] for row in rows}) == 500
    assert all(row["NIK"][:6] == code[:8].replace(".", "") for row, code in zip(rows, villages, strict=True))


def test_the_same_seed_writes_the_same_file(regions, tmp_path):
    families_csv_write(path=tmp_path / "a.csv", rows=50, seed=7, regencies=["35.79"])
    families_csv_write(path=tmp_path / "b.csv", rows=50, seed=7, regencies=["35.79"])
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_full_kecamatan_passes_its_families_on_and_too_many_is_an_error(regions, tmp_path, monkeypatch):
    monkeypatch.setattr(people, "SERIAL_MAX", 3)  # Kota Batu's three kecamatan then hold nine families
    path = tmp_path / "f.csv"
    call_command("families_csv", str(path), "--rows", "9", "--regency", "35.79")
    assert sorted(row["NIK"][:6] for row in read(path)) == ["357901"] * 3 + ["357902"] * 3 + ["357903"] * 3

    with pytest.raises(CommandError, match="10 families do not fit"):
        call_command("families_csv", str(path), "--rows", "10", "--regency", "35.79")
