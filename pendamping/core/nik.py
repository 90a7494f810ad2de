"""NIK (Nomor Induk Kependudukan) parsing: 16 digits = region(6) + day(2, +40 for women) + month(2)
+ year(2) + serial(4). Pure Python so imports, forms, services and the API share one rule."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

_DIGITS16 = re.compile(r"\d{16}")


class NikError(ValueError):
    """A NIK that cannot be right; the message says why, in words a clerk understands."""


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_prefix: str  # province + kabupaten/kota + kecamatan digits, e.g. "357801"
    sex: str  # "M" or "F"
    birth_date: dt.date


def _birth_year(two_digits: int, today: dt.date) -> int:
    # A two-digit year in the future can only be the previous century.
    year = 2000 + two_digits
    return year if year <= today.year else year - 100


def parse_nik(value: object, *, today: dt.date | None = None) -> NikInfo:
    """Validate a NIK and derive sex and birth date. Numbers (e.g. from Excel) are refused, never coerced."""
    if not isinstance(value, str):
        raise NikError(_("NIK must be typed as text of 16 digits, not as a number (Excel drops digits)."))
    nik = value.strip()
    if not _DIGITS16.fullmatch(nik):
        if re.search(r"\D", nik):
            raise NikError(_("NIK may contain digits only (found %(bad)r).") % {"bad": re.sub(r"\d", "", nik)})
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
    today = today or timezone.localdate()
    try:
        birth = dt.date(_birth_year(yy, today), month, day)
    except ValueError:
        raise NikError(_("NIK holds an impossible birth date (%(d)02d-%(m)02d).") % {"d": day, "m": month}) from None
    return NikInfo(nik=nik, region_prefix=nik[:6], sex=sex, birth_date=birth)


def mask_number(value: str) -> str:
    """3578010101900001 -> 3578********0001: enough to tell records apart, not enough to misuse."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
