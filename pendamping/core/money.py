"""Rupiah amounts as typed by people: "1.500.000", "Rp 1.500.000,00", "Rp 1.500.000,-", "1500000".
Whole rupiah only."""

import math
import re

from django.utils.translation import gettext as _

# ASCII digits only: `\d` and str.isdigit() also accept "²" or "١٢٣", which int() then refuses or misreads.
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_CENTS = re.compile(r"([0-9]+|[0-9]{1,3}(\.[0-9]{3})+)[.,][0-9]{1,2}")


class AmountError(ValueError):
    pass


def parse_rupiah(value: object) -> int:
    """Read a whole-rupiah amount. Dots group thousands (Indonesian style); ",00" cents are allowed,
    other fractions and words ("1,5 juta") are errors, never guesses."""
    if isinstance(value, bool):
        raise AmountError(_("Amount must be a number of rupiah."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AmountError(_("Amount must be a number of rupiah."))
        if value != int(value):
            raise AmountError(_("Amount must be whole rupiah (no cents)."))
        return int(value)
    text = str(value).strip()
    text = re.sub(r"^(rp\.?)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    negative = text.startswith("-")
    text = text.removeprefix("-")
    if text.endswith((",00", ",0", ",-")):  # "Rp 1.500.000,-" is the usual way to write a whole amount
        text = text.rsplit(",", 1)[0]
    if _PLAIN.fullmatch(text):
        amount = int(text)
    elif _GROUPED.fullmatch(text):
        amount = int(text.replace(".", ""))
    elif not text:
        raise AmountError(_("Amount is empty."))
    elif _CENTS.fullmatch(text):
        raise AmountError(_("Amount must be whole rupiah (no cents): %(v)s") % {"v": value})
    else:
        raise AmountError(_("Not a rupiah amount: %(v)s (write digits, e.g. 1500000 or 1.500.000).") % {"v": value})
    return -amount if negative else amount
