"""Typed values from raw cells (issue 6): NIK typed as a number, impossible dates and Indonesian amounts are
explained, never guessed; every message names the value."""

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pendamping.exchange import cells
from pendamping.exchange.cells import CellError

NIK = "3578010101900001"
GENDER = {"Laki-laki": "M", "L": "M", "Perempuan": "F", "P": "F"}


def error(convert: Callable[[], object]) -> str:
    with pytest.raises(CellError) as caught:
        convert()
    return str(caught.value)


def nik(value: object) -> str:
    return cells.identifier(value, digits=16, label="NIK")


# --- Identifiers (NIK, KK)


def test_a_nik_typed_as_text_is_read() -> None:
    assert nik(NIK) == NIK
    assert nik(f"  {NIK} ") == NIK


def test_excels_text_apostrophe_is_dropped() -> None:
    assert nik(f"'{NIK}") == NIK


@pytest.mark.parametrize("value", [3578010101900001, 3578010101900001.0, 3.57801e15])
def test_a_nik_stored_as_a_number_is_refused_never_coerced(value: object) -> None:
    message = error(lambda: nik(value))
    assert message.startswith(f"The NIK {int(value)} is stored as a number")  # type: ignore[call-overload]
    assert "Format the column as Text" in message


@pytest.mark.parametrize("value", ["3.57801E+15", "3,57801E+15", "3.578010101900001e15", "3578010101900001.0"])
def test_a_nik_that_excel_wrote_as_a_number_is_explained(value: str) -> None:
    message = error(lambda: nik(value))
    assert message.startswith(f"The NIK {value} is stored as a number, so Excel has changed it")


def test_a_nik_of_15_digits_explains_excel() -> None:
    message = error(lambda: nik("357801010190000"))
    assert message.startswith('The NIK "357801010190000" has 15 digits; 16 are needed. A digit is missing')
    assert "formatted as Text" in message
    assert error(lambda: nik("35780101019")) == 'The NIK "35780101019" has 11 digits; 16 are needed.'


def test_a_nik_with_spaces_is_refused() -> None:
    assert error(lambda: nik("3578 0101 0190 0001")) == (
        'The NIK "3578 0101 0190 0001" contains spaces; write its 16 digits together.'
    )


def test_a_nik_with_letters_names_them() -> None:
    assert error(lambda: nik("357801O1019OOOOl")) == (
        'The NIK "357801O1019OOOOl" may hold digits only; it contains "O", "l".'
    )
    assert '"٣"' in error(lambda: nik("٣578010101900001"))  # an Arabic-Indic digit is no ASCII digit


def test_an_empty_identifier_and_other_labels() -> None:
    assert error(lambda: nik("  ")) == "The NIK is empty."
    assert cells.identifier("3578010101900009", digits=16, label="KK number") == "3578010101900009"
    assert error(lambda: cells.identifier(dt.date(2024, 1, 1), digits=16, label="KK number")) == (
        '"01/01/2024" is not a KK number.'
    )


# --- Dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("1/2/1980", dt.date(1980, 2, 1)),
        ("01-02-1980", dt.date(1980, 2, 1)),
        ("01.02.1980", dt.date(1980, 2, 1)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2024-02-29 00:00:00", dt.date(2024, 2, 29)),
        ("12 Januari 2024", dt.date(2024, 1, 12)),
        ("17 Agustus 1945", dt.date(1945, 8, 17)),
        ("12-Jan-2024", dt.date(2024, 1, 12)),
        ("3 Okt. 2020", dt.date(2020, 10, 3)),
        ("12 December 2024", dt.date(2024, 12, 12)),
        (45351, dt.date(2024, 2, 29)),
        (45351.0, dt.date(2024, 2, 29)),
        (45351.75, dt.date(2024, 2, 29)),
        (61, dt.date(1900, 3, 1)),
        (59, dt.date(1900, 2, 28)),
        (1, dt.date(1900, 1, 1)),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (dt.datetime(2024, 2, 29, 0, 0), dt.date(2024, 2, 29)),
    ],
)
def test_dates_are_read(value: object, expected: dt.date) -> None:
    assert cells.date(value) == expected


def test_an_impossible_date_says_why() -> None:
    assert error(lambda: cells.date("31/02/2024")) == '"31/02/2024" is not a date: February 2024 has 29 days.'
    assert error(lambda: cells.date("29/02/2023")) == '"29/02/2023" is not a date: February 2023 has 28 days.'


def test_dates_are_read_day_first() -> None:
    assert cells.date("02/03/2024") == dt.date(2024, 3, 2)
    assert error(lambda: cells.date("02/29/2024")) == (
        '"02/29/2024" is not a date: there is no month 29 (dates are read day first, as dd/mm/yyyy).'
    )


def test_excel_serial_60_is_the_day_that_never_was() -> None:
    assert error(lambda: cells.date(60)) == (
        "60 is Excel's number for 29/02/1900, a day that never existed. Type the date again."
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12/05/80", '"12/05/80": write the year with four digits, e.g. 12/05/1980.'),
        ("12 Mei 80", '"12 Mei 80": write the year with four digits, e.g. 12/05/1980.'),
        ("kemarin", '"kemarin" is not a date; write it as dd/mm/yyyy (e.g. 31/12/2024) or yyyy-mm-dd.'),
        ("12 Foo 2024", '"12 Foo 2024" is not a date; write it as dd/mm/yyyy (e.g. 31/12/2024) or yyyy-mm-dd.'),
        ("12/05/1024", '"12/05/1024": the year 1024 is not between 1900 and 2100.'),
        (0, '"0" is not a date (Excel numbers its dates from 1 to 2958465).'),
        (2958466, '"2958466" is not a date (Excel numbers its dates from 1 to 2958465).'),
        (80000, '"80000": the year 2119 is not between 1900 and 2100.'),
        (dt.time(8, 30), '"08:30:00" is not a date.'),
        (True, '"True" is not a date.'),
    ],
)
def test_bad_dates_are_named(value: object, message: str) -> None:
    assert error(lambda: cells.date(value)) == message


def test_future_dates_can_be_refused() -> None:
    today = dt.date(2024, 6, 1)
    assert cells.date("01/06/2024", allow_future=False, today=today) == today
    assert error(lambda: cells.date("02/06/2024", allow_future=False, today=today)) == (
        '"02/06/2024" is in the future.'
    )
    assert cells.date("02/06/2024", today=today) == dt.date(2024, 6, 2)


# --- Months


@pytest.mark.parametrize(
    "value", ["2026-03", "2026/3", "03/2026", "3-2026", "Maret 2026", "Mar 2026", "march 2026", "15/03/2026"]
)
def test_reporting_months(value: str) -> None:
    assert cells.month(value) == dt.date(2026, 3, 1)


def test_month_cells_and_bad_months() -> None:
    assert cells.month(dt.date(2026, 3, 17)) == dt.date(2026, 3, 1)
    assert cells.month(46082.0) == dt.date(2026, 3, 1)  # Excel turned "03/2026" into a date number
    assert "there is no month 13" in error(lambda: cells.month("13/2026"))
    assert error(lambda: cells.month("triwulan 1")) == (
        '"triwulan 1" is not a month; write it as yyyy-mm (e.g. 2026-03), mm/yyyy or "Maret 2026".'
    )


# --- Rupiah


@pytest.mark.parametrize(
    "value",
    [
        "1.500.000",
        "Rp 1.500.000",
        "Rp1.500.000",
        "Rp. 1.500.000,00",
        "Rp 1.500.000,-",
        "1500000",
        " 1500000 ",
        "Rp\xa01.500.000",
        1500000,
        1500000.0,
    ],
)
def test_rupiah_amounts(value: object) -> None:
    assert cells.rupiah(value) == 1_500_000


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,5 juta", '"1,5 juta": write the amount in digits, e.g. 1.500.000 (words like "juta" or "rb" are not'),
        ("1.5jt", '"1.5jt": write the amount in digits'),
        ("500rb", '"500rb": write the amount in digits'),
        ("1500k", '"1500k": write the amount in digits'),
        ("1,500,000", '"1,500,000" groups thousands with commas (English style)'),
        ("Rp 1,500,000.00", '"Rp 1,500,000.00" groups thousands with commas'),
        ("1.500.000,50", "1.500.000,50"),
        ("-1.500.000", '"-1.500.000" is negative; an amount is 0 or more.'),
        (-5, '"-5" is negative'),
        (1500.5, "1500.5 has cents; amounts are whole rupiah."),
        ("satu juta", '"satu juta": write the amount in digits'),
        ("abc", "abc"),
        (dt.date(2024, 1, 1), '"01/01/2024" is not an amount of rupiah.'),
        (True, '"True" is not an amount of rupiah.'),
    ],
)
def test_bad_amounts_are_explained_never_guessed(value: object, message: str) -> None:
    assert message in error(lambda: cells.rupiah(value))


def test_an_empty_amount() -> None:
    assert error(lambda: cells.rupiah(" ")) == "The amount is empty."


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    prefix=st.sampled_from(["", "Rp ", "Rp", "Rp. "]),
    suffix=st.sampled_from(["", ",00", ",-"]),
)
def test_indonesian_amounts_read_back(amount: int, prefix: str, suffix: str) -> None:
    grouped = f"{amount:,}".replace(",", ".")
    assert cells.rupiah(f"{prefix}{grouped}{suffix}") == amount
    assert cells.rupiah(f"{prefix}{amount}{suffix}") == amount


# --- Whole numbers, text, choices, yes/no


def test_integers() -> None:
    assert cells.integer("12") == cells.integer(12) == cells.integer(12.0) == cells.integer(" 12 ") == 12
    assert cells.integer("-3", minimum=-5) == -3
    assert error(lambda: cells.integer(12.5)) == '"12.5" is not a whole number; write digits only, e.g. 12.'
    assert error(lambda: cells.integer("12,5")) == '"12,5" is not a whole number; write digits only, e.g. 12.'
    assert '"1.000" is not a whole number' in error(lambda: cells.integer("1.000"))
    assert error(lambda: cells.integer("0", minimum=1)) == "0 is less than 1."
    assert error(lambda: cells.integer(21.0, maximum=20)) == "21 is more than 20."
    assert '"True"' in error(lambda: cells.integer(True))


def test_text() -> None:
    assert cells.text("  Jl. Merdeka\n  No. 5  ") == "Jl. Merdeka No. 5"
    assert cells.text(5.0) == "5"  # calamine reads the number 5 as 5.0
    assert cells.text(2.5) == "2.5"
    assert cells.text(12) == "12"
    assert cells.text(None) == ""
    assert cells.text(dt.date(2024, 2, 29)) == "2024-02-29"
    assert cells.text("Ani", max_length=3) == "Ani"
    assert error(lambda: cells.text("Anita", max_length=3)) == ('"Anita" is 5 characters long; at most 3 are allowed.')


def test_choices_match_ignoring_case_spaces_and_punctuation() -> None:
    assert cells.choice("LAKI-LAKI", GENDER, label="sex") == "M"
    assert cells.choice(" laki laki ", GENDER, label="sex") == "M"
    assert cells.choice("p", GENDER, label="sex") == "F"
    assert cells.choice("F", GENDER, label="sex") == "F"  # a stored value is accepted as itself
    assert cells.choice(1.0, {"1": "head", "2": "spouse"}, label="relation") == "head"
    assert error(lambda: cells.choice("Pria", GENDER, label="sex")) == (
        '"Pria" is not a valid sex; accepted: Laki-laki, L, Perempuan, P.'
    )
    assert error(lambda: cells.choice("", GENDER, label="sex")) == (
        "The sex is empty; accepted: Laki-laki, L, Perempuan, P."
    )


def test_a_long_choice_list_is_cut() -> None:
    many = {f"Desa {n}": str(n) for n in range(30)}
    message = error(lambda: cells.choice("Desa 99", many, label="desa"))
    assert message.startswith('"Desa 99" is not a valid desa; accepted: Desa 0, Desa 1,')
    assert message.endswith("Desa 11, ….")
    assert "Desa 12" not in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ya", True),
        ("YA", True),
        ("Iya", True),
        ("yes", True),
        ("y", True),
        ("true", True),
        ("1", True),
        (1.0, True),
        (True, True),
        ("tidak", False),
        ("Tidak", False),
        ("no", False),
        ("n", False),
        ("false", False),
        ("0", False),
        (0.0, False),
        (False, False),
    ],
)
def test_booleans(value: object, expected: bool) -> None:
    assert cells.boolean(value) is expected


def test_a_bad_boolean_is_named() -> None:
    assert error(lambda: cells.boolean("mungkin")) == '"mungkin" is not yes or no; write "ya" or "tidak".'


def test_blank() -> None:
    assert cells.is_blank(None) and cells.is_blank("") and cells.is_blank(" \t\n")
    assert not cells.is_blank(0.0) and not cells.is_blank(False) and not cells.is_blank("x")


# --- Every message names the value


@pytest.mark.parametrize(
    ("convert", "value", "named"),
    [
        (nik, 3578010101900001.0, "3578010101900001"),
        (nik, "3.57801E+15", "3.57801E+15"),
        (nik, "357801010190000", "357801010190000"),
        (nik, "3578 0101 0190 0001", "3578 0101 0190 0001"),
        (nik, "35780101019000AB", "35780101019000AB"),
        (cells.date, "31/02/2024", "31/02/2024"),
        (cells.date, 60, "60"),
        (cells.date, "12/05/80", "12/05/80"),
        (cells.month, "13/2026", "13/2026"),
        (cells.rupiah, "1,5 juta", "1,5 juta"),
        (cells.rupiah, "1,500,000", "1,500,000"),
        (cells.rupiah, "1.500.000,50", "1.500.000,50"),
        (cells.rupiah, "lima", "lima"),
        (cells.integer, "12,5", "12,5"),
        (cells.boolean, "mungkin", "mungkin"),
        (lambda v: cells.text(v, max_length=3), "Anita", "Anita"),
        (lambda v: cells.choice(v, GENDER, label="sex"), "Pria", "Pria"),
    ],
)
def test_every_message_names_the_value(convert: Callable[[object], object], value: object, named: str) -> None:
    assert named in error(lambda: convert(value))
