"""NIK (Nomor Induk Kependudukan) parsing: 16 digits = region(6) + day(2, +40 for women) + month(2)
+ year(2) + serial(4). Pure Python so imports, forms, services and the API share one rule."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

# ASCII only: `\d` also matches full-width and other Unicode digits, which must never reach the database.
_DIGITS16 = re.compile(r"[0-9]{16}")


class NikError(ValueError):
    """A NIK that cannot be right; the message says why, in words a clerk understands."""


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_prefix: str  # province + kabupaten/kota + kecamatan digits, e.g. "357801"
    sex: str  # "M" or "F"
    birth_date: dt.date


def _birth_date(day: int, month: int, two_digits: int, today: dt.date) -> dt.date | None:
    # A birth date in the future can only be from the previous century (so "151225" read in March 2025
    # is 1925, not December 2025). None when the date exists in neither century (31 February).
    for year in (2000 + two_digits, 1900 + two_digits):
        try:
            birth = dt.date(year, month, day)
        except ValueError:
            continue
        if birth <= today:
            return birth
    return None


def parse_nik(value: object, *, today: dt.date | None = None) -> NikInfo:
    """Validate a NIK and derive sex and birth date. Numbers (e.g. from Excel) are refused, never coerced."""
    if not isinstance(value, str):
        raise NikError(_("NIK must be typed as text of 16 digits, not as a number (Excel drops digits)."))
    nik = value.strip()
    if not _DIGITS16.fullmatch(nik):
        if re.search(r"[^0-9]", nik):
            raise NikError(_("NIK may contain digits only (found %(bad)r).") % {"bad": re.sub(r"[0-9]", "", nik)})
        raise NikError(_("NIK must have 16 digits (found %(n)d).") % {"n": len(nik)})
    day, month, yy, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:]
    sex = "M"
    if 41 <= day <= 71:
        sex, day = "F", day - 40
    elif not 1 <= day <= 31:
        raise NikError(_("NIK digits 7-8 (day of birth) must be 01-31, or 41-71 for women."))
    if not 1 <= month <= 12:
        raise NikError(_("NIK digits 9-10 (month of birth) must be 01-12."))
    if serial == "0000":
        raise NikError(_("NIK serial number (last 4 digits) cannot be 0000."))
    birth = _birth_date(day, month, yy, today or timezone.localdate())
    if birth is None:
        raise NikError(_("NIK holds an impossible birth date (%(d)02d-%(m)02d).") % {"d": day, "m": month})
    return NikInfo(nik=nik, region_prefix=nik[:6], sex=sex, birth_date=birth)


def mask_number(value: str) -> str:
    """3578010101900001 -> 3578********0001: enough to tell records apart, not enough to misuse."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
