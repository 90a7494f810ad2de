"""A families file as an office would export it from DTKS/SIKS-NG (one head of family per row), of any size:
for trying the import at scale (`pendamping families_csv`, bench/import_families.py). Deterministic per seed."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from pendamping.demo.people import SerialBook, SerialsExhausted, birth_date, kk_number, nik_for, person_name
from pendamping.demo.vocab import STREETS
from pendamping.regions.models import Region

HEADER = ("IDDTKS", "NIK", "NO KK", "NAMA", "TGL LAHIR", "JENIS KELAMIN", "ALAMAT", "RT", "RW", "KODE DESA",
          "JUMLAH ART", "PENGHASILAN", "DESIL")  # fmt: skip
REF = dt.date(2026, 1, 15)


def _villages(regencies: list[str] | None) -> list[tuple[str, str]]:
    qs = Region.objects.filter(level=Region.Level.VILLAGE).order_by("code")
    if regencies:
        qs = qs.filter(parent__parent__code__in=regencies)
    return [(code, code[:8].replace(".", "")) for code in qs.values_list("code", flat=True)]


def _row(rng: random.Random, serials: SerialBook, village: tuple[str, str], number: int) -> list[str]:
    code, prefix = village
    sex = "F" if rng.random() < 0.3 else "M"
    born = birth_date(rng, REF, 22, 75)
    serial = serials.take(prefix)
    nik, kk = nik_for(prefix, sex, born, serial), kk_number(rng, prefix, f"{serial:04d}", REF)
    return [
        f"DTKS{number:09d}", nik, kk, person_name(rng, sex, rng.random() < 0.2),
        born.strftime("%d/%m/%Y"), "P" if sex == "F" else "L", f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        f"{rng.randint(1, 15):03d}", f"{rng.randint(1, 9):03d}", code, str(rng.randint(1, 8)),
        str(rng.randrange(300_000, 3_000_000, 50_000)), str(rng.randint(1, 4)),
    ]  # fmt: skip


def _shares(rng: random.Random, villages: int, rows: int) -> list[int]:
    """How many of the `rows` families live in each village (drawn at random, so villages differ in size)."""
    shares = [0] * villages
    for _ in range(rows):
        shares[rng.randrange(villages)] += 1
    return shares


def families_csv_write(*, path: Path, rows: int, seed: int = 2019, regencies: list[str] | None = None) -> int:
    """Write `rows` valid families (unique NIKs, existing villages) to a CSV; returns the rows written.

    Village by village in the order of their codes, as a DTKS/SIKS-NG export lists them (it is pulled per
    region); a village whose kecamatan has run out of NIK serials passes its share on to the next village."""
    rng, serials = random.Random(seed), SerialBook()  # nosec B311  # demo data, reproducible on purpose
    villages = _villages(regencies)
    shares = _shares(rng, len(villages), rows)
    written = carried = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        while written < rows:
            before = written
            for index, village in enumerate(villages):
                wanted, carried = shares[index] + carried, 0
                shares[index] = 0
                for count in range(wanted):
                    try:
                        writer.writerow(_row(rng, serials, village, written + 1))
                    except SerialsExhausted:
                        carried = wanted - count  # that kecamatan is full; the next village takes the rest
                        break
                    written += 1
            if written == before:
                raise SerialsExhausted("every kecamatan of these villages")
            shares[0], carried = carried, 0  # only if the last villages were full: round again from the first
    return written
