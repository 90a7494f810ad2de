"""The common case of a families row, accepted in one pass with no function per cell (a million rows must clean in
seconds). Anything unusual — a blank required cell, a number where text belongs, a date typed another way — returns
None and the row goes through the careful path (`FamiliesKind.careful`), which also words every error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pendamping.core.nik import NikError, parse_nik

STATUS_WORDS = {"": "active", "active": "active", "aktif": "active", "AKTIF": "active", "Aktif": "active"}
SEX_WORDS = {"L": "M", "P": "F", "M": "M", "F": "F", "l": "M", "p": "F"}


def _digits(value: Any, longest: int) -> bool:
    return type(value) is str and 0 < len(value) <= longest and value.isascii() and value.isdigit()


def fast_row(
    raw: Mapping[str, Any], today: dt.date, villages: dict[str, str], allowed: set[str] | None
) -> dict[str, Any] | None:
    get = raw.get
    nik: Any = get("nik")
    kk: Any = get("kk_number")
    name, desa = get("head_name"), get("desa_code", "")
    if not (_digits(nik, 16) and len(nik) == 16 and _digits(kk, 16) and len(kk) == 16 and type(name) is str):
        return None
    name = " ".join(name.split())
    regency = villages.get(desa) if type(desa) is str else None
    if not name or len(name) > 120 or regency is None or (allowed is not None and regency not in allowed):
        return None
    if get("desa_name") or get("decile_as_of"):
        return None  # a village by name, a dated decile: the careful path handles them
    born = _born(nik[6:12], today) if nik[12:] != "0000" else None
    if born is None:
        return None
    row = _optional(get, name)
    if row is None or not _agrees(get, born):
        return None
    sex, birth_date, _written = born
    row.update(nik=nik, kk_number=kk, desa_id=desa, regency_id=regency, sex=sex, birth_date=birth_date)
    row["decile_as_of"] = today if row["welfare_decile"] is not None else None
    return row


def _optional(get: Any, name: str) -> dict[str, Any] | None:
    address, rt, rw, size, income, dtks, decile, status = (
        get("address", ""), get("rt", ""), get("rw", ""), get("household_size", ""), get("monthly_income", ""),
        get("dtks_id", ""), get("welfare_decile", ""), get("status", ""),
    )  # fmt: skip
    if type(address) is not str or type(dtks) is not str or status not in STATUS_WORDS:
        return None
    address, dtks = " ".join(address.split()), dtks.strip()
    if len(address) > 200 or len(dtks) > 40:
        return None
    if (rt and not _digits(rt, 3)) or (rw and not _digits(rw, 3)):
        return None
    if (size and not _digits(size, 5)) or (income and not _digits(income, 15)) or (decile and not _digits(decile, 2)):
        return None
    size_n, decile_n = int(size) if size else 1, int(decile) if decile else None
    if not 1 <= size_n <= 32767 or (decile_n is not None and not 1 <= decile_n <= 10):
        return None
    return {"head_name": name, "address": address, "rt": rt, "rw": rw, "household_size": size_n,
            "monthly_income": int(income) if income else 0, "dtks_id": dtks, "welfare_decile": decile_n,
            "status": STATUS_WORDS[status], "decile_dated": False}  # fmt: skip


@lru_cache(maxsize=65536)
def _born(ddmmyy: str, today: dt.date) -> tuple[str, dt.date, tuple[str, str]] | None:
    """Sex, birth date and the two ways a file writes that date, from a NIK's digits 7-12 (by parse_nik itself,
    so the rule stays one; a million heads of family share a few tens of thousands of these)."""
    try:
        info = parse_nik(f"000000{ddmmyy}0001", today=today)
    except NikError:
        return None
    return info.sex, info.birth_date, (info.birth_date.strftime("%d/%m/%Y"), info.birth_date.isoformat())


def _agrees(get: Any, born: tuple[str, dt.date, tuple[str, str]]) -> bool:
    written, sex = get("birth_date", ""), get("sex", "")
    if written and written not in born[2]:
        return False
    return not sex or SEX_WORDS.get(sex) == born[0]
