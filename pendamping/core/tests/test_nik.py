"""parse_nik: the one NIK rule shared by forms, services, imports and the API."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pendamping.core.nik import NikError, NikInfo, mask_number, parse_nik

TODAY = dt.date(2025, 6, 30)
GOOD = "3578010101900001"  # Karang Pilang (35.78.01), man born 1 January 1990, serial 0001


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages are matched in their English source form; Indonesian is the site's default language.
    with translation.override("en"):
        yield


def nik(*, prefix: str = "357801", day: int = 1, month: int = 1, yy: int = 90, serial: str = "0001") -> str:
    return f"{prefix}{day:02d}{month:02d}{yy:02d}{serial}"


def test_it_reads_region_sex_and_birth_date() -> None:
    assert parse_nik(GOOD, today=TODAY) == NikInfo(
        nik=GOOD, region_prefix="357801", sex="M", birth_date=dt.date(1990, 1, 1)
    )


def test_it_strips_surrounding_spaces() -> None:
    assert parse_nik(f"  {GOOD}\t", today=TODAY).nik == GOOD


@pytest.mark.parametrize(
    ("day", "sex", "birth_day"), [(1, "M", 1), (31, "M", 31), (41, "F", 1), (55, "F", 15), (71, "F", 31)]
)
def test_it_reads_day_plus_40_as_a_woman(day: int, sex: str, birth_day: int) -> None:
    info = parse_nik(nik(day=day, month=3), today=TODAY)
    assert (info.sex, info.birth_date) == (sex, dt.date(1990, 3, birth_day))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("357801010190000", r"16 digits \(found 15\)"),
        ("35780101019000011", r"16 digits \(found 17\)"),
        ("", r"16 digits \(found 0\)"),
        ("35780101019O0001", "digits only"),  # letter O, not zero
        ("3578-0101-9000-01", "digits only"),
        ("3578 0101 0190 0001", "digits only"),
        ("３５７８０１０１０１９０００１", "digits only"),  # full-width digits look right but are not ASCII
        ("3578010101900001".replace("1", "١"), "digits only"),  # Arabic-Indic digits
    ],
)
def test_it_refuses_wrong_length_and_non_digits(value: str, message: str) -> None:
    with pytest.raises(NikError, match=message):
        parse_nik(value, today=TODAY)


@pytest.mark.parametrize("day", [0, 32, 40, 72, 99])
def test_it_refuses_a_day_outside_1_31_and_41_71(day: int) -> None:
    with pytest.raises(NikError, match="day of birth"):
        parse_nik(nik(day=day), today=TODAY)


@pytest.mark.parametrize("month", [0, 13, 99])
def test_it_refuses_an_impossible_month(month: int) -> None:
    with pytest.raises(NikError, match="month of birth"):
        parse_nik(nik(month=month), today=TODAY)


@pytest.mark.parametrize(
    ("day", "month", "yy"), [(31, 2, 90), (30, 2, 0), (31, 4, 85), (29, 2, 99), (71, 2, 90), (69, 2, 99)]
)
def test_it_refuses_an_impossible_date(day: int, month: int, yy: int) -> None:
    with pytest.raises(NikError, match="impossible birth date"):
        parse_nik(nik(day=day, month=month, yy=yy), today=TODAY)


def test_it_accepts_29_february_of_a_leap_year() -> None:
    assert parse_nik(nik(day=29, month=2, yy=0), today=TODAY).birth_date == dt.date(2000, 2, 29)
    assert parse_nik(nik(day=69, month=2, yy=96), today=TODAY).birth_date == dt.date(1996, 2, 29)


def test_it_refuses_serial_0000() -> None:
    with pytest.raises(NikError, match="0000"):
        parse_nik(nik(serial="0000"), today=TODAY)


@pytest.mark.parametrize(
    "value", [3578010101900001, 3.578010101900001e15, 3578010101900001.0, None, b"3578010101900001"]
)
def test_it_refuses_a_number_instead_of_text(value: object) -> None:
    # Excel stores a NIK typed into a number cell as a float and keeps only ~15 significant digits.
    with pytest.raises(NikError, match="not as a number"):
        parse_nik(value, today=TODAY)


@pytest.mark.parametrize(
    ("yy", "month", "day", "year"),
    [
        (90, 1, 1, 1990),
        (0, 1, 1, 2000),
        (25, 6, 30, 2025),  # born today
        (25, 7, 1, 1925),  # tomorrow in 2025 has not happened: the previous century
        (25, 12, 15, 1925),
        (24, 12, 31, 2024),
        (26, 1, 1, 1926),
        (99, 12, 31, 1999),
    ],
)
def test_it_puts_the_two_digit_year_in_the_century_that_is_not_in_the_future(
    yy: int, month: int, day: int, year: int
) -> None:
    assert parse_nik(nik(day=day, month=month, yy=yy), today=TODAY).birth_date == dt.date(year, month, day)


def test_the_century_follows_the_date_it_is_read_on() -> None:
    value = nik(yy=10)
    assert parse_nik(value, today=dt.date(2009, 12, 31)).birth_date.year == 1910
    assert parse_nik(value, today=dt.date(2010, 1, 1)).birth_date.year == 2010


def test_error_messages_are_clerk_friendly_and_show_the_bad_characters() -> None:
    with pytest.raises(NikError) as exc:
        parse_nik("3578AB0101900001", today=TODAY)
    assert "AB" in str(exc.value)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("3578010101900001", "3578********0001"), ("12345678", "********"), ("123456789", "1234*6789"), ("", "")],
)
def test_mask_number_keeps_four_digits_at_each_end(value: str, masked: str) -> None:
    assert mask_number(value) == masked


# Property tests: any NIK assembled from valid parts reads back the parts it was built from.

birth_dates = st.dates(min_value=dt.date(1925, 7, 1), max_value=TODAY)


@given(
    prefix=st.from_regex(r"[0-9]{6}", fullmatch=True),
    born=birth_dates,
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_a_nik_built_from_valid_parts_round_trips_sex_and_birth_date(
    prefix: str, born: dt.date, female: bool, serial: int
) -> None:
    value = nik(prefix=prefix, day=born.day + 40 * female, month=born.month, yy=born.year % 100, serial=f"{serial:04d}")
    info = parse_nik(value, today=TODAY)
    assert (info.region_prefix, info.sex, info.birth_date) == (prefix, "F" if female else "M", born)


@given(st.text(max_size=20))
def test_any_text_is_either_a_nik_or_a_nik_error(value: str) -> None:
    try:
        info = parse_nik(value, today=TODAY)
    except NikError:
        return
    assert len(info.nik) == 16 and info.nik.isascii() and info.nik.isdigit()
