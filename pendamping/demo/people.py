"""People for the demo data: NIK, KK number, sex, birth date and name, all drawn from one random.Random.

A NIK is kecamatan (6 digits) + day of birth (+40 for women) + month + 2-digit year + serial. Serials are
counted per kecamatan (0001, 0002, ...), so a NIK is unique whatever the birth date and nothing needs to
remember the NIKs already issued: memory stays flat for a million families."""

import datetime as dt
import random
from dataclasses import dataclass

from pendamping.demo import vocab

SERIAL_MAX = 9999


class SerialsExhausted(ValueError):
    """A kecamatan has issued all 9,999 serials."""


class SerialBook:
    """The next NIK serial per kecamatan prefix, shared by families and companions."""

    def __init__(self) -> None:
        self._used: dict[str, int] = {}

    def room(self, prefix: str) -> int:
        return SERIAL_MAX - self._used.get(prefix, 0)

    def take(self, prefix: str) -> int:
        serial = self._used.get(prefix, 0) + 1
        if serial > SERIAL_MAX:
            raise SerialsExhausted(prefix)
        self._used[prefix] = serial
        return serial


@dataclass(frozen=True)
class Person:
    nik: str
    name: str
    sex: str  # "M" or "F", as parse_nik derives it
    birth_date: dt.date


def nik_for(prefix: str, sex: str, born: dt.date, serial: int) -> str:
    day = born.day + 40 if sex == "F" else born.day
    return f"{prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A uniformly drawn day in [first, last]; `first` when the range is empty."""
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def birth_date(rng: random.Random, ref: dt.date, min_age: int, max_age: int) -> dt.date:
    # Ages stay under 76 so a 2-digit NIK year can never read as the wrong century.
    return date_between(rng, ref.replace(year=ref.year - max_age), ref.replace(year=ref.year - min_age))


def person_name(rng: random.Random, sex: str, madurese: bool) -> str:
    if madurese:
        return rng.choice(vocab.MADURESE_FEMALE if sex == "F" else vocab.MADURESE_MALE)
    first = rng.choice(vocab.JAVANESE_FEMALE if sex == "F" else vocab.JAVANESE_MALE)
    if rng.random() < 0.45:
        return first
    second = rng.choice(vocab.JAVANESE_FEMALE_SECOND if sex == "F" else vocab.JAVANESE_SECOND)
    return first if second == first else f"{first} {second}"


def person(
    rng: random.Random,
    serials: SerialBook,
    *,
    prefix: str,
    ref: dt.date,
    female_share: float,
    madurese_share: float,
    ages: tuple[int, int],
) -> Person:
    sex = "F" if rng.random() < female_share else "M"
    born = birth_date(rng, ref, *ages)
    name = person_name(rng, sex, rng.random() < madurese_share)
    return Person(nik=nik_for(prefix, sex, born, serials.take(prefix)), name=name, sex=sex, birth_date=born)


def kk_number(rng: random.Random, prefix: str, serial: str, ref: dt.date) -> str:
    """A KK number: kecamatan + issue date (DDMMYY) + the head's serial, so it is unique as the NIK is."""
    issued = date_between(rng, dt.date(2006, 1, 1), ref)
    return f"{prefix}{issued:%d%m%y}{serial}"


def phone(rng: random.Random) -> str:
    carrier = rng.choice(("0812", "0813", "0821", "0822", "0852", "0853", "0857", "0858", "0878", "0896"))
    return f"{carrier}{rng.randrange(10**8):08d}"
