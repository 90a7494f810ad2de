"""One raw value from `Table.rows` (CSV text, or what calamine read from XLSX: str, float, bool, date, ...) to a
typed value, or a CellError whose message names the value. The engine adds the row and the column.

Nothing is guessed: "1,5 juta", "3.57801E+15" or "02/29/2024" are explained, never read as something else."""

import calendar
import datetime as dt
import math
import re
from collections.abc import Mapping
from functools import lru_cache

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from pendamping.core.money import AmountError, parse_rupiah
from pendamping.exchange.reading import normalise_header

MIN_YEAR, MAX_YEAR = 1900, 2100
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 only below 60: Excel counts a 29 February 1900
EXCEL_LAST_SERIAL = 2958465  # 31/12/9999
CHOICES_LISTED = 12

# ASCII digits only: `\d` also matches Arabic-Indic and full-width digits.
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")
_POINT_ZERO = re.compile(r"[0-9]+[.,]0+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_TIME = r"(?:[ T]+[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]+)" + _TIME)
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})" + _TIME)
_WORDY = re.compile(r"([0-9]{1,2})[\s/.-]*([^\W\d_]+)\.?[\s/.,-]*([0-9]+)")
_YEAR_MONTH = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})")
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{4})")
_WORDY_MONTH = re.compile(r"([^\W\d_]+)\.?[\s/.,-]*([0-9]{4})")
_MONEY_WORDS = re.compile(r"(?:juta|jt|ribu|rb|miliar|milyar|triliun|[0-9]\s*[km])\b", re.IGNORECASE)
_ENGLISH_GROUPS = re.compile(r"(?:rp\.?\s*)?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", re.IGNORECASE)

MONTH_NAMES = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar", "mrt"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "agus", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
YES = frozenset({"ya", "iya", "y", "yes", "true", "benar", "1"})
NO = frozenset({"tidak", "tdk", "n", "no", "false", "salah", "0", "bukan"})


class CellError(ValueError):
    """str(exc) is a translated message about the value (which it names); the engine adds row and column."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: object) -> str:
    """The value as the user sees it in the file, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "…"


def text(value: object, *, max_length: int | None = None) -> str:
    """Free text: outer spaces stripped, runs of spaces and line breaks made one space. A number cell reads as
    Excel shows it ("5", not calamine's "5.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    elif isinstance(value, dt.date | dt.time):
        value = value.isoformat()
    result = " ".join(str(value).split())
    if max_length is not None and len(result) > max_length:
        raise CellError(
            _('"%(value)s" is %(length)s characters long; at most %(limit)s are allowed.')
            % {"value": shown(result), "length": len(result), "limit": max_length}
        )
    return result


def identifier(value: object, *, digits: int, label: str) -> str:
    """A code of exactly `digits` ASCII digits typed as text (NIK and KK: 16). A number cell is refused, never
    coerced: Excel keeps 15 significant digits of a number, so a 16-digit NIK typed as a number is already
    wrong. A leading apostrophe (Excel's mark for "this is text") is dropped."""
    if type(value) is str and len(code := value.strip()) == digits and _DIGITS.fullmatch(code):
        return code  # the usual case, first: an import checks a million of these
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _stored_as_number(value, label)
    if not isinstance(value, str):
        raise CellError(_('"%(value)s" is not a %(label)s.') % {"value": shown(value), "label": label})
    code = value.strip().removeprefix("'").strip()
    if not code:
        raise CellError(_("The %(label)s is empty.") % {"label": label})
    if _SCIENTIFIC.fullmatch(code) or _POINT_ZERO.fullmatch(code):
        raise _stored_as_number(code, label)
    values = {"value": shown(code), "label": label, "digits": digits, "count": len(code)}
    if any(char.isspace() for char in code):
        raise CellError(_('The %(label)s "%(value)s" contains spaces; write its %(digits)s digits together.') % values)
    bad = "".join(dict.fromkeys(char for char in code if not "0" <= char <= "9"))
    if bad:
        values["bad"] = ", ".join(f'"{char}"' for char in bad)
        raise CellError(_('The %(label)s "%(value)s" may hold digits only; it contains %(bad)s.') % values)
    if len(code) == digits - 1:
        raise CellError(
            _(
                'The %(label)s "%(value)s" has %(count)s digits; %(digits)s are needed. A digit is missing: '
                "Excel drops leading zeros and rounds long numbers when the column is not formatted as Text."
            )
            % values
        )
    if len(code) != digits:
        raise CellError(_('The %(label)s "%(value)s" has %(count)s digits; %(digits)s are needed.') % values)
    return code


def _stored_as_number(value: object, label: str) -> CellError:
    return CellError(
        _(
            "The %(label)s %(value)s is stored as a number, so Excel has changed it (a number keeps only 15 "
            "digits, may be shown as 3.57801E+15, and loses leading zeros). Format the column as Text and type "
            "the %(label)s again."
        )
        % {"label": label, "value": shown(value)}
    )


def integer(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number: 12, "12" or the float 12.0 calamine reads for 12; 12.5, "12,5" and "1.000" are errors
    (in Indonesian "1.000" is a thousand, in English one)."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        raise CellError(_('"%(value)s" is not a whole number; write digits only, e.g. 12.') % {"value": shown(value)})
    if minimum is not None and number < minimum:
        raise CellError(_("%(value)s is less than %(minimum)s.") % {"value": number, "minimum": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("%(value)s is more than %(maximum)s.") % {"value": number, "maximum": maximum})
    return number


def rupiah(value: object) -> int:
    """Whole rupiah, 0 or more, by the rule of `core.money.parse_rupiah` ("1.500.000", "Rp 1.500.000,00",
    "1500000"); words ("1,5 juta") and English grouping ("1,500,000") get their own explanation."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(_('"%(value)s" is not an amount of rupiah.') % {"value": shown(value)})
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise CellError(_("%(value)s has cents; amounts are whole rupiah.") % {"value": value})
    if isinstance(value, str):
        if is_blank(value):
            raise CellError(_("The amount is empty."))
        value = " ".join(value.split())  # Excel's non-breaking spaces too
    try:
        amount = _parse_amount(value) if isinstance(value, str) else parse_rupiah(value)
    except AmountError as exc:
        raise _amount_explained(str(value)) or CellError(str(exc)) from exc
    if amount < 0:
        raise CellError(_('"%(value)s" is negative; an amount is 0 or more.') % {"value": shown(value)})
    return amount


@lru_cache(maxsize=16384)  # amounts repeat (grant sizes, the same turnover month after month)
def _parse_amount(typed: str) -> int:
    return parse_rupiah(typed)


def _amount_explained(typed: str) -> CellError | None:
    """A clearer message than parse_rupiah's for the two usual ways an amount is written for people."""
    if _MONEY_WORDS.search(typed):
        return CellError(
            _('"%(value)s": write the amount in digits, e.g. 1.500.000 (words like "juta" or "rb" are not read).')
            % {"value": typed}
        )
    if _ENGLISH_GROUPS.fullmatch(typed):
        return CellError(
            _(
                '"%(value)s" groups thousands with commas (English style), but in Indonesian a comma starts '
                "the decimals. Write 1.500.000 or 1500000."
            )
            % {"value": typed}
        )
    return None


def date(value: object, *, allow_future: bool = True, today: dt.date | None = None) -> dt.date:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy; always day first), yyyy-mm-dd, "12 Januari 2024" or
    "12 Jan 2024", an Excel date number, or a date cell. A time of day after the date is ignored."""
    if isinstance(value, str):
        result = _parse_date(" ".join(value.split()))
    elif isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _from_serial(value)
    else:
        raise CellError(_('"%(value)s" is not a date.') % {"value": shown(value)})
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise _year_out_of_range(value, result.year)
    if not allow_future and result > (today or timezone.localdate()):
        raise CellError(_('"%(value)s" is in the future.') % {"value": shown(value)})
    return result


@lru_cache(maxsize=16384)  # dates repeat (birth dates, report days): a million rows hold a few thousand
def _parse_date(typed: str) -> dt.date:
    if match := _YEAR_FIRST.fullmatch(typed):
        return _make_date(typed, int(match[1]), int(match[2]), int(match[3]))
    if (match := _DAY_FIRST.fullmatch(typed)) or (match := _WORDY.fullmatch(typed)):
        day_text, month_text, year_text = match.groups()
        named = int(month_text) if month_text.isdigit() else MONTH_NAMES.get(month_text.lower())
        if named is not None and len(year_text) != 4:
            raise CellError(
                _('"%(value)s": write the year with four digits, e.g. 12/05/1980.') % {"value": shown(typed)}
            )
        if named is not None:
            return _make_date(typed, int(year_text), named, int(day_text))
    raise CellError(
        _('"%(value)s" is not a date; write it as dd/mm/yyyy (e.g. 31/12/2024) or yyyy-mm-dd.')
        % {"value": shown(typed)}
    )


def _make_date(typed: str, year: int, month_number: int, day: int) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _year_out_of_range(typed, year)
    if not 1 <= month_number <= 12:
        raise CellError(
            _('"%(value)s" is not a date: there is no month %(month)s (dates are read day first, as dd/mm/yyyy).')
            % {"value": shown(typed), "month": month_number}
        )
    try:
        return dt.date(year, month_number, day)
    except ValueError:
        days = calendar.monthrange(year, month_number)[1]
        raise CellError(
            _('"%(value)s" is not a date: %(month)s %(year)s has %(days)s days.')
            % {"value": shown(typed), "month": MONTHS[month_number], "year": year, "days": days}
        ) from None


def _from_serial(number: float) -> dt.date:
    """An Excel date number (days since 1900, counting Excel's nonexistent 29 February 1900 as day 60)."""
    if not math.isfinite(number) or not 1 <= number < EXCEL_LAST_SERIAL + 1:
        raise CellError(
            _('"%(value)s" is not a date (Excel numbers its dates from 1 to 2958465).') % {"value": shown(number)}
        )
    whole = int(number)
    if whole == 60:
        raise CellError(
            _("%(value)s is Excel's number for 29/02/1900, a day that never existed. Type the date again.")
            % {"value": shown(number)}
        )
    return EXCEL_EPOCH + dt.timedelta(days=whole + (1 if whole < 60 else 0))


def _year_out_of_range(value: object, year: int) -> CellError:
    return CellError(
        _('"%(value)s": the year %(year)s is not between %(first)s and %(last)s.')
        % {"value": shown(value), "year": year, "first": MIN_YEAR, "last": MAX_YEAR}
    )


def month(value: object) -> dt.date:
    """A reporting month as its first day: "2026-03", "03/2026", "Maret 2026", "Mar 2026", a date or a date
    cell (Excel turns a typed "03/2026" into 1 March 2026)."""
    if isinstance(value, str):
        typed = " ".join(value.split())
        year_month = _month_parts(typed)
        if year_month is not None:
            year, month_number = year_month
            return _make_date(typed, year, month_number, 1)
        try:
            return date(typed).replace(day=1)
        except CellError:
            raise CellError(
                _('"%(value)s" is not a month; write it as yyyy-mm (e.g. 2026-03), mm/yyyy or "Maret 2026".')
                % {"value": shown(typed)}
            ) from None
    return date(value).replace(day=1)


def _month_parts(typed: str) -> tuple[int, int] | None:
    if match := _YEAR_MONTH.fullmatch(typed):
        return int(match[1]), int(match[2])
    if match := _MONTH_YEAR.fullmatch(typed):
        return int(match[2]), int(match[1])
    if (match := _WORDY_MONTH.fullmatch(typed)) and match[1].lower() in MONTH_NAMES:
        return int(match[2]), MONTH_NAMES[match[1].lower()]
    return None


def choice(value: object, choices: Mapping[str, str], *, label: str) -> str:
    """The stored value for an accepted spelling (a key of `choices`) or a stored value itself, matched
    ignoring case, spaces and punctuation ("LAKI-LAKI" is "Laki laki")."""
    typed = text(value)
    if typed in choices:
        return choices[typed]
    if typed:
        wanted = _choice_key(typed)
        for spelling, stored in choices.items():
            if _choice_key(spelling) == wanted:
                return stored
        for stored in choices.values():
            if _choice_key(stored) == wanted:
                return stored
    accepted = list(choices)
    listed = ", ".join(accepted[:CHOICES_LISTED]) + (", …" if len(accepted) > CHOICES_LISTED else "")
    if not typed:
        raise CellError(_("The %(label)s is empty; accepted: %(choices)s.") % {"label": label, "choices": listed})
    raise CellError(
        _('"%(value)s" is not a valid %(label)s; accepted: %(choices)s.')
        % {"value": shown(typed), "label": label, "choices": listed}
    )


@lru_cache(maxsize=4096)
def _choice_key(spelling: str) -> str:
    return normalise_header(spelling)


def boolean(value: object) -> bool:
    """ya/tidak, yes/no, y/n, true/false, benar/salah, 1/0, or a TRUE/FALSE cell."""
    if isinstance(value, bool):
        return value
    key = text(value).lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_('"%(value)s" is not yes or no; write "ya" or "tidak".') % {"value": shown(value)})
