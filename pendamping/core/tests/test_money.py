"""parse_rupiah: amounts as clerks type them. Whole rupiah only; anything doubtful is an error, never a guess."""

from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pendamping.core.money import AmountError, parse_rupiah


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages are matched in their English source form; Indonesian is the site's default language.
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000,00", 1_500_000),
        ("Rp1.500.000", 1_500_000),
        ("rp. 1.500.000", 1_500_000),
        ("RP 750.000,0", 750_000),
        ("Rp 1.500.000,-", 1_500_000),
        ("1500000", 1_500_000),
        ("  1500000  ", 1_500_000),
        ("0", 0),
        ("500", 500),
        ("12.000", 12_000),
        ("1.000.000.000.000", 1_000_000_000_000),
    ],
)
def test_it_reads_indonesian_amounts(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount


def test_it_returns_a_negative_amount_and_leaves_refusing_it_to_the_caller() -> None:
    assert parse_rupiah("-5000") == -5000
    assert parse_rupiah("-5.000") == -5000
    assert parse_rupiah("Rp -5.000") == -5000


@pytest.mark.parametrize("text", ["1.500.000,50", "1.5", "1,5", "1500000,25", "1.500,5"])
def test_it_refuses_cents_and_decimal_points(text: str) -> None:
    with pytest.raises(AmountError):
        parse_rupiah(text)


def test_a_decimal_point_is_called_what_it_is() -> None:
    with pytest.raises(AmountError, match="whole rupiah"):
        parse_rupiah("1.5")


@pytest.mark.parametrize(
    "text",
    [
        "1,5 juta",
        "1,5juta",
        "satu juta",
        "1.500.00",  # a group of two digits: a typo, not a guess
        "1.5000",
        "15.00.000",
        ".500",
        "1,500,000",  # English grouping is ambiguous with the Indonesian decimal comma
        "--5000",
        "5000-",
        "1e6",
        "²",  # str.isdigit() says yes; int() says no
        "١٢٣",  # Arabic-Indic digits
        "１５００",  # full-width digits
        "Rp",
    ],
)
def test_it_refuses_words_and_odd_grouping(text: str) -> None:
    with pytest.raises(AmountError):
        parse_rupiah(text)


@pytest.mark.parametrize("text", ["", "   ", "Rp ", "-"])
def test_it_refuses_an_empty_amount(text: str) -> None:
    with pytest.raises(AmountError, match="empty"):
        parse_rupiah(text)


def test_numbers_from_a_spreadsheet_are_read_when_whole() -> None:
    assert parse_rupiah(1_500_000) == 1_500_000
    assert parse_rupiah(1_500_000.0) == 1_500_000


@pytest.mark.parametrize("value", [1.5, float("nan"), float("inf"), float("-inf"), True, False])
def test_it_refuses_fractions_non_numbers_and_booleans(value: object) -> None:
    with pytest.raises(AmountError):
        parse_rupiah(value)


def test_error_messages_quote_what_was_typed() -> None:
    with pytest.raises(AmountError, match="1,5 juta"):
        parse_rupiah("1,5 juta")


@given(st.integers(min_value=0, max_value=10**15))
def test_indonesian_grouping_round_trips(n: int) -> None:
    grouped = f"{n:,}".replace(",", ".")
    assert parse_rupiah(grouped) == n
    assert parse_rupiah(f"Rp {grouped},00") == n


@given(st.integers(min_value=0, max_value=10**15))
def test_plain_digits_round_trip(n: int) -> None:
    assert parse_rupiah(str(n)) == n


@given(st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.none(), st.booleans()))
def test_anything_is_either_an_amount_or_an_amount_error(value: object) -> None:
    # Never a bare ValueError or OverflowError: callers catch AmountError and show its message.
    try:
        amount = parse_rupiah(value)
    except AmountError:
        return
    assert isinstance(amount, int)
