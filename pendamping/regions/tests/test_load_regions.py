"""Loading the Kemendagri region table: the bundled Jawa Timur file, other provinces, and bad files."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation

from pendamping.regions.models import DEFAULT_EDITION, Region
from pendamping.regions.services import BUNDLED_CSV, regions_load

pytestmark = pytest.mark.django_db

BANTEN = """kode,nama,tingkat
36,Banten,provinsi
36.01,Kabupaten Pandeglang,kabupaten_kota
36.01.01,Sumur,kecamatan
36.01.01.2001,Kertajaya,desa_kelurahan
36.01.01.2002,Tamanjaya,desa_kelurahan
"""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def write(tmp_path: Path, text: str, name: str = "wilayah.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_table_holds_all_of_jawa_timur() -> None:
    counts = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert counts == {
        Region.Level.PROVINCE: 1,
        Region.Level.REGENCY: 38,
        Region.Level.DISTRICT: 666,
        Region.Level.VILLAGE: 8494,
    }


def test_every_region_hangs_under_its_parent_code() -> None:
    surabaya = Region.objects.get(code="35.78")
    assert (surabaya.name, surabaya.parent_id) == ("Kota Surabaya", "35")
    village = Region.objects.select_related("parent__parent__parent").get(code="35.78.01.1001")
    assert village.parent.parent.parent.code == "35"
    assert village.nik_prefix == "357801" and village.is_kelurahan


def test_loading_again_changes_nothing() -> None:
    result = regions_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 9199)
    assert Region.objects.count() == 9199


def test_the_edition_is_kept_on_every_row() -> None:
    assert set(Region.objects.values_list("edition", flat=True)) == {DEFAULT_EDITION}


def test_a_new_edition_is_recorded_without_duplicating_regions(tmp_path: Path) -> None:
    path = write(tmp_path, BANTEN)
    regions_load(path=path, edition="Kepmendagri 2024")
    result = regions_load(path=path, edition="Kepmendagri 2026")
    assert (result.created, result.updated) == (0, 5)
    assert set(Region.objects.filter(code__startswith="36").values_list("edition", flat=True)) == {"Kepmendagri 2026"}
    assert Region.objects.get(code="35").edition == DEFAULT_EDITION


def test_a_renamed_region_is_updated(tmp_path: Path) -> None:
    regions_load(path=write(tmp_path, BANTEN))
    result = regions_load(path=write(tmp_path, BANTEN.replace("Sumur", "Sumur Baru")))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    assert Region.objects.get(code="36.01.01").name == "Sumur Baru"


def test_another_province_of_the_same_shape_loads_beside_jawa_timur(tmp_path: Path) -> None:
    result = regions_load(path=write(tmp_path, BANTEN))
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert Region.objects.get(code="36.01.01.2001").parent_id == "36.01.01"
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 2


def test_the_command_loads_a_file_and_reports_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_regions", str(write(tmp_path, BANTEN)))
    assert "5 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("load_regions")
    assert "0 created, 0 updated, 9199 unchanged" in capsys.readouterr().out


def test_the_bundled_file_ships_inside_the_package() -> None:
    assert BUNDLED_CSV.is_file() and BUNDLED_CSV.with_suffix(".LICENSE").is_file()


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("36.01.01.2003,Sukamaju,kecamatan", "36.01.01.2003"),  # level does not fit the code
        ("36.01.01.2003,,desa_kelurahan", "36.01.01.2003"),  # no name
        (",Tanpa Kode,desa_kelurahan", "''"),
        ("36.01.01.2003,Sukamaju,desa", "36.01.01.2003"),  # unknown level
    ],
)
def test_a_bad_row_is_named_by_file_and_row_and_nothing_is_written(tmp_path: Path, row: str, problem: str) -> None:
    path = write(tmp_path, BANTEN + row + "\n", name="banten_rusak.csv")
    with pytest.raises(ValidationError) as exc:
        regions_load(path=path)
    message = exc.value.messages[0]
    assert "banten_rusak.csv" in message and "row 7" in message and problem in message
    assert not Region.objects.filter(code__startswith="36").exists()


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "code,name,level\n36,Banten,provinsi\n", name="english_headers.csv")
    with pytest.raises(ValidationError, match=r"english_headers.csv.*missing columns.*kode"):
        regions_load(path=path)


def test_a_region_without_its_parent_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "kode,nama,tingkat\n36.01.01.2001,Kertajaya,desa_kelurahan\n", name="orphan.csv")
    with pytest.raises(ValidationError, match=r"orphan.csv.*36\.01\.01\.2001.*36\.01\.01"):
        regions_load(path=path)
    assert not Region.objects.filter(code__startswith="36").exists()


def test_the_command_turns_a_bad_file_into_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, BANTEN + "36.01.01.2003,Sukamaju,kecamatan\n", name="banten_rusak.csv")
    with pytest.raises(CommandError, match=r"banten_rusak.csv row 7"):
        call_command("load_regions", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_regions", str(tmp_path / "missing.csv"))


# A transactional test empties every table when it ends; the root conftest reloads the regions for the next one.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("turn", [1, 2])
def test_regions_are_there_for_every_transactional_test(turn: int) -> None:
    assert Region.objects.count() == 9199
