"""Rupiah amounts as typed by people: "1.500.000", "Rp 1.500.000,00", "1500000". Whole rupiah only."""

import re

from django.utils.translation import gettext as _

_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")


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
        if value != int(value):
            raise AmountError(_("Amount must be whole rupiah (no cents)."))
        return int(value)
    text = str(value).strip()
    text = re.sub(r"^(rp\.?)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    negative = text.startswith("-")
    text = text.lstrip("-")
    if text.endswith(",00") or text.endswith(",0"):
        text = text.rsplit(",", 1)[0]
    if text.isdigit():
        amount = int(text)
    elif _GROUPED.fullmatch(text):
        amount = int(text.replace(".", ""))
    elif not text:
        raise AmountError(_("Amount is empty."))
    elif re.fullmatch(r"\d+[.,]\d{1,2}", text):
        raise AmountError(_("Amount must be whole rupiah (no cents): %(v)s") % {"v": value})
    else:
        raise AmountError(_("Not a rupiah amount: %(v)s (write digits, e.g. 1500000 or 1.500.000).") % {"v": value})
    return -amount if negative else amount
