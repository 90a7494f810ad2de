"""Loading the Kemendagri region table from a CSV of the shape kode,nama,tingkat (parents before children)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.regions.models import DEFAULT_EDITION, Region
from pendamping.regions.selectors import region_lookup

BUNDLED_CSV = Path(__file__).parent / "data" / "wilayah_jatim.csv"
_LEVEL_BY_DOTS = {
    0: Region.Level.PROVINCE,
    1: Region.Level.REGENCY,
    2: Region.Level.DISTRICT,
    3: Region.Level.VILLAGE,
}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _read_rows(path: Path) -> list[Region]:
    rows: list[Region] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"kode", "nama", "tingkat"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                _("%(file)s: missing columns %(cols)s") % {"file": path.name, "cols": sorted(missing)}
            )
        for line, row in enumerate(reader, start=2):
            code, name, level = row["kode"].strip(), row["nama"].strip(), row["tingkat"].strip()
            expected = _LEVEL_BY_DOTS.get(code.count("."))
            if not code or not name or level != expected:
                raise ValidationError(
                    _("%(file)s row %(row)d: code %(code)r does not fit level %(level)r")
                    % {"file": path.name, "row": line, "code": code, "level": level}
                )
            parent = code.rsplit(".", 1)[0] if "." in code else None
            rows.append(Region(code=code, name=name, level=level, parent_id=parent))
    return rows


def regions_load(*, path: Path = BUNDLED_CSV, edition: str = DEFAULT_EDITION) -> LoadResult:
    """Insert new regions and update renamed ones; running it twice changes nothing."""
    rows = _read_rows(path)
    existing = {r.code: r for r in Region.objects.filter(code__in=[r.code for r in rows])}
    known = set(existing) | {r.code for r in rows}
    for r in rows:
        r.edition = edition
        if r.parent_id and r.parent_id not in known and not Region.objects.filter(code=r.parent_id).exists():
            raise ValidationError(
                _("%(file)s: region %(code)s has no parent %(p)s")
                % {"file": path.name, "code": r.code, "p": r.parent_id}
            )
    new = [r for r in rows if r.code not in existing]
    changed = [
        r
        for r in rows
        if r.code in existing
        and (existing[r.code].name, existing[r.code].level, existing[r.code].edition) != (r.name, r.level, r.edition)
    ]
    with transaction.atomic():
        Region.objects.bulk_create(new, batch_size=2000)
        Region.objects.bulk_update(changed, ["name", "level", "edition"], batch_size=2000)
    region_lookup.forget()  # this process at once; the others within LOOKUP_SECONDS
    return LoadResult(created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed))
