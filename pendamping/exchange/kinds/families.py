"""Families (KBS): the DTKS/SIKS-NG export imports as it is. Cleaning applies the rules of
`registry.services.families` (a property test holds the two together); writing is set-based (`_families_bulk`)
because offices import whole regencies at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.core.nik import NikError, parse_nik
from pendamping.exchange import cells
from pendamping.exchange.kinds._families_bulk import FamilyBulk
from pendamping.exchange.kinds._families_fast import fast_row
from pendamping.exchange.kinds._regions import Villages
from pendamping.exchange.kinds.base import Column, Context, ImportKind, RowInvalid
from pendamping.registry.models import Family

_DIGITS16 = re.compile(r"[0-9]{16}")
_RT = re.compile(r"[0-9]{1,3}")
STATUSES = {
    **{value: value for value in Family.Status.values},
    **{"aktif": "active", "mandiri": "graduated", "pindah": "moved", "meninggal": "deceased", "nonaktif": "inactive"},
}
SEXES = {"m": "M", "l": "M", "lakilaki": "M", "male": "M", "pria": "M", "f": "F", "p": "F", "perempuan": "F",
         "female": "F", "wanita": "F"}  # fmt: skip

COLUMNS = (
    Column("nik", "NIK", _l("Head of family's NIK: 16 digits typed as TEXT (format the column as Text in Excel)."),
           required=True, aliases=("NIK KEPALA KELUARGA", "NIK KRT", "head nik"), example="3578014506800002"),
    Column("kk_number", "NO KK", _l("Family card (Kartu Keluarga) number: 16 digits typed as text."), required=True,
           aliases=("NOMOR KK", "NO. KK", "NOKK", "KK", "kk number", "family card"), example="3578010101090001"),
    Column("head_name", "NAMA", _l("Name of the head of family, as on the KK."), required=True,
           aliases=("NAMA KEPALA KELUARGA", "NAMA KRT", "NAMA LENGKAP", "head name", "name"), example="Siti Aminah",
           width=28),
    Column("desa_code", "KODE DESA", _l("Kemendagri village code, e.g. 35.78.01.1001 (or 3578011001)."),
           aliases=("KODE DESA/KELURAHAN", "KODE KELURAHAN", "KODE WILAYAH", "KDDESA", "village code"),
           example="35.78.01.1001"),
    Column("desa_name", "NAMA DESA", _l("Village name; used only when there is no KODE DESA column."),
           aliases=("DESA", "KELURAHAN", "DESA/KELURAHAN", "NAMA KELURAHAN", "village")),
    Column("district_name", "KECAMATAN", _l("Kecamatan name, to tell apart villages of the same name."),
           aliases=("NAMA KECAMATAN", "district")),
    Column("regency_name", "KABUPATEN/KOTA", _l("Regency or city name, to tell apart villages of the same name."),
           aliases=("KABUPATEN", "KOTA", "NAMA KABUPATEN", "regency")),
    Column("address", "ALAMAT", _l("Street address (without RT/RW)."), aliases=("address",), width=30),
    Column("rt", "RT", _l("RT number, digits only (e.g. 003)."), example="003", width=6),
    Column("rw", "RW", _l("RW number, digits only (e.g. 005)."), example="005", width=6),
    Column("household_size", "JUMLAH ART", _l("Number of people in the household (1 or more)."),
           aliases=("JML ART", "JUMLAH ANGGOTA KELUARGA", "household size"), example="4"),
    Column("monthly_income", "PENGHASILAN", _l("Monthly income in whole rupiah, e.g. 1.500.000."),
           aliases=("PENDAPATAN", "PENGHASILAN PER BULAN", "monthly income", "income"), example="1.500.000"),
    Column("dtks_id", "IDDTKS", _l("The family's DTKS/DTSEN id, if it has one."),
           aliases=("ID DTKS", "IDDTSEN", "ID DTSEN", "dtks id")),
    Column("welfare_decile", "DESIL", _l("Welfare decile 1-10 (DTSEN)."), aliases=("DESIL KESEJAHTERAAN", "decile",
           "welfare decile"), choices=tuple(str(n) for n in range(1, 11)), example="2", width=8),
    Column("decile_as_of", "TGL DESIL", _l("Date the decile is valid for (dd/mm/yyyy); the import date if empty."),
           aliases=("TANGGAL DESIL", "decile as of")),
    Column("status", "STATUS", _l("aktif, mandiri, pindah, meninggal or nonaktif; aktif if empty."),
           choices=("aktif", "mandiri", "pindah", "meninggal", "nonaktif")),
    Column("birth_date", "TGL LAHIR", _l("Checked against the NIK (which decides); a row that disagrees is refused."),
           aliases=("TANGGAL LAHIR", "birth date")),
    Column("sex", "JENIS KELAMIN", _l("L/P; checked against the NIK (which decides)."),
           aliases=("JK", "sex", "gender"), choices=("L", "P")),
)  # fmt: skip


def _nik(value: Any, today: dt.date, errors: list[tuple[str, str]], field: str = "nik") -> Any:
    try:
        text = (
            value
            if isinstance(value, str) and _DIGITS16.fullmatch(value)
            else cells.identifier(value, digits=16, label="NIK")
        )
        return parse_nik(text, today=today)
    except (cells.CellError, NikError) as exc:
        errors.append((field, str(exc)))
        return None


def _kk(value: Any, errors: list[tuple[str, str]]) -> str:
    if isinstance(value, str) and _DIGITS16.fullmatch(value):
        return value
    try:
        return cells.identifier(value, digits=16, label=_("KK number"))
    except cells.CellError as exc:
        errors.append(("kk_number", str(exc)))
        return ""


def _optional(raw: Mapping[str, Any], name: str, convert: Any, errors: list[tuple[str, str]], default: Any) -> Any:
    value = raw.get(name, "")
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return convert(value)
    except cells.CellError as exc:
        errors.append((name, str(exc)))
        return default


class FamiliesKind(FamilyBulk, ImportKind):
    name = "families"
    title = _l("Families (KBS)")
    permission = "family.change"
    columns = COLUMNS
    key_fields = ("nik",)
    model_label = "registry.family"

    def prepare(self, ctx: Context) -> None:
        """Everything cleaning reads from the database, read now: once the COPY starts, the connection is busy."""
        villages = ctx.memo("villages", Villages.load).by_code
        allowed = ctx.memo("regencies", lambda: _scope(ctx.actor))
        ctx.cache["fast"] = (villages, allowed)

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        if "fast" not in ctx.cache:
            self.prepare(ctx)
        villages, allowed = ctx.cache["fast"]
        row = fast_row(raw, ctx.today, villages, allowed)
        return row if row is not None else self.careful(raw, ctx=ctx)

    def careful(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        """Every cell through `cells`, every problem worded; the same result as the fast path where both apply."""
        errors: list[tuple[str, str]] = []
        info = _nik(raw.get("nik", ""), ctx.today, errors)
        row = {
            "nik": info.nik if info else "",
            "kk_number": _kk(raw.get("kk_number", ""), errors),
            "head_name": self._name(raw.get("head_name", ""), errors),
            "address": _optional(raw, "address", lambda v: cells.text(v, max_length=200), errors, ""),
            "rt": self._rt(raw, "rt", errors),
            "rw": self._rt(raw, "rw", errors),
            "household_size": _optional(raw, "household_size", _household, errors, 1),
            "monthly_income": _optional(raw, "monthly_income", cells.rupiah, errors, 0),
            "dtks_id": _optional(raw, "dtks_id", lambda v: cells.text(v, max_length=40), errors, ""),
            "status": _optional(raw, "status", _status, errors, "active"),
        }
        row.update(self._decile(raw, ctx, errors))
        row.update(self._place(raw, ctx, errors))
        if info is not None:
            row.update(sex=info.sex, birth_date=info.birth_date)
            self._agrees(raw, info, errors)
        if errors:
            raise RowInvalid(errors)
        return row

    def _name(self, value: Any, errors: list[tuple[str, str]]) -> str:
        name = " ".join(str(value).split()) if value is not None else ""
        if not name:
            errors.append(("head_name", _("The head of family's name is required.")))
        elif len(name) > 120:
            errors.append(("head_name", _("Name is longer than 120 characters.")))
        return name

    def _rt(self, raw: Mapping[str, Any], name: str, errors: list[tuple[str, str]]) -> str:
        value = raw.get(name, "")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value if value is not None else "").strip()
        if text and not _RT.fullmatch(text):
            errors.append((name, _("RT/RW must be digits, e.g. 003.")))
        return text

    def _decile(self, raw: Mapping[str, Any], ctx: Context, errors: list[tuple[str, str]]) -> dict[str, Any]:
        decile = _optional(raw, "welfare_decile", lambda v: cells.integer(v, minimum=1, maximum=10), errors, None)
        as_of = _optional(raw, "decile_as_of", lambda v: cells.date(v, allow_future=False, today=ctx.today), errors,
                          None)  # fmt: skip
        dated = as_of is not None
        as_of = (as_of or ctx.today) if decile is not None else None
        return {"welfare_decile": decile, "decile_as_of": as_of, "decile_dated": dated}

    def _place(self, raw: Mapping[str, Any], ctx: Context, errors: list[tuple[str, str]]) -> dict[str, Any]:
        villages: Villages = ctx.memo("villages", Villages.load)
        try:
            desa = villages.find(
                code=raw.get("desa_code"),
                name=raw.get("desa_name"),
                district=raw.get("district_name"),
                regency=raw.get("regency_name"),
            )
        except RowInvalid as exc:
            errors.extend(exc.errors)
            return {"desa_id": "", "regency_id": ""}
        regency = villages.by_code[desa]
        allowed = ctx.memo("regencies", lambda: _scope(ctx.actor))
        if allowed is not None and regency not in allowed:
            errors.append(("desa_code", _("Village %(code)s is in regency %(regency)s, outside your regencies.")
                           % {"code": desa, "regency": villages.names.get(regency, regency)}))  # fmt: skip
        return {"desa_id": desa, "regency_id": regency}

    def _agrees(self, raw: Mapping[str, Any], info: Any, errors: list[tuple[str, str]]) -> None:
        born = _optional(raw, "birth_date", cells.date, errors, None)
        if born is not None and born != info.birth_date:
            given, derived = born.strftime("%d/%m/%Y"), info.birth_date.strftime("%d/%m/%Y")
            message = _("Birth date %(given)s differs from the NIK's %(nik)s; check both.")
            errors.append(("birth_date", message % {"given": given, "nik": derived}))
        sex = str(raw.get("sex") or "").strip()
        if sex and SEXES.get(re.sub(r"[^a-z]", "", sex.lower())) not in (None, info.sex):
            errors.append(("sex", _("Sex %(given)s differs from the NIK's; check both.") % {"given": sex}))
        elif sex and re.sub(r"[^a-z]", "", sex.lower()) not in SEXES:
            errors.append(("sex", _("Sex must be L or P.")))


def _household(value: Any) -> int:
    return cells.integer(value, minimum=1, maximum=32767)  # the model field's range, as the form allows


def _status(value: Any) -> str:
    return cells.choice(value, STATUSES, label=_("status"))


def _scope(actor: Any) -> set[str] | None:
    if actor is None or actor.is_superuser or actor.role == "admin":
        return None
    return set(actor.regency_codes)


KIND = FamiliesKind()
