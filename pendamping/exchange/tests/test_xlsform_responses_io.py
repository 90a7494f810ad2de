"""Wide survey exports (one column per item) turned into the long rows the responses kind reads."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pendamping.accounts.models import User
from pendamping.evaluation.tests.factories import make_instrument, make_study
from pendamping.exchange.xlsform.responses_io import MAX_INSTANCE, answer_key, item_codes_for, widen_to_long

CODES = ["A1.1", "A1.2", "A2.1"]
CENTRAL = ["SubmissionDate", "study", "respondent", "arm", "wave", "aspect_1-A1.1", "aspect_1-A1.2", "aspect_2-A2.1",
           "meta-instanceID", "KEY", "SubmitterName", "ReviewState"]  # fmt: skip
UUID = "uuid:6f1c1e1a-0b7d-4a53-9d1e-6d7c2a0e4b11"


def widened(header: list[str], rows: list[tuple[int, list[Any]]], codes: list[str] = CODES) -> tuple[list, list]:
    new_header, new_rows = widen_to_long(header, rows, codes)
    return new_header, list(new_rows)


def test_an_odk_central_row_becomes_one_row_per_answer_with_its_own_submission_id() -> None:
    row = ["2025-03-01T10:00:00Z", "7", "PSD-0001", "treatment", "pre", "ya", "selalu", "4", UUID, UUID, "Ani", ""]

    header, rows = widened(CENTRAL, [(2, row)])

    assert header == ["SubmissionDate", "study", "respondent", "arm", "wave", "meta-instanceID", "KEY",
                      "SubmitterName", "ReviewState", "item", "answer"]  # fmt: skip
    assert [(number, values[1:5], values[-2:]) for number, values in rows] == [
        (2, ["7", "PSD-0001", "treatment", "pre"], ["A1.1", "ya"]),
        (2, ["7", "PSD-0001", "treatment", "pre"], ["A1.2", "selalu"]),
        (2, ["7", "PSD-0001", "treatment", "pre"], ["A2.1", "4"]),
    ]
    ids = [values[5] for _number, values in rows]
    assert ids == [f"{UUID}#A1.1", f"{UUID}#A1.2", f"{UUID}#A2.1"]
    assert [values[6] for _number, values in rows] == ids  # KEY, the same id, made the answer's own too


def test_a_kobo_row_with_slashes_and_numbers_from_excel() -> None:
    header = ["start", "end", "study", "respondent", "arm", "wave", "aspect_1/A1.1", "aspect_2/A2.1", "_id", "_uuid"]
    row = ["", "", 7.0, "PSD-0002", "control", "post", "tidak", 5.0, 31.0, "0a1b2c3d"]

    _header, rows = widened(header, [(5, row)])

    assert [(values[-2], values[-1], values[-3]) for _n, values in rows] == [
        ("A1.1", "tidak", "0a1b2c3d#A1.1"),
        ("A2.1", "5", "0a1b2c3d#A2.1"),
    ]
    assert rows[0][1][6] == 31.0  # Kobo's own row number is no submission id: left as it is


def test_unanswered_items_are_left_out_and_an_empty_submission_stays_to_be_reported() -> None:
    answered = ["", "7", "PSD-1", "treatment", "pre", "", "kadang", None, UUID, UUID, "", ""]
    empty = ["", "7", "PSD-2", "treatment", "pre", "", " ", None, "uuid:x", "uuid:x", "", ""]

    _header, rows = widened(CENTRAL, [(2, answered), (3, empty)])

    assert [(number, values[-2:]) for number, values in rows] == [(2, ["A1.2", "kadang"]), (3, ["", ""])]
    assert rows[1][1][5] == "uuid:x"  # no item: the id stays the submission's


def test_a_long_file_comes_back_unchanged() -> None:
    header = ["respondent", "arm", "wave", "item", "answer"]
    rows = [(2, ["PSD-1", "treatment", "pre", "A1.1", "ya"])]

    assert widened(header, rows) == (header, rows)


def test_items_renamed_in_the_form_are_found_by_either_name() -> None:
    header = ["respondent", "arm", "wave", "grp-q_1a", "wave_2"]

    _header, rows = widened(header, [(2, ["P", "control", "pre", "ya", "x"])], codes=["1a", "2"])

    assert [values[-2:] for _n, values in rows] == [["1a", "ya"]]
    assert rows[0][1][:4] == ["P", "control", "pre", "x"]  # "wave_2" is not item "2"


def test_a_long_submission_id_is_shortened_stably_and_stays_distinct() -> None:
    instance = "uuid:" + "f" * 70

    first, second = answer_key(instance, "A1.1"), answer_key(instance, "A1.2")

    assert len(first) <= MAX_INSTANCE and len(second) <= MAX_INSTANCE
    assert first != second and first == answer_key(instance, "A1.1")


@given(
    answers=st.lists(
        st.lists(st.sampled_from(["", "ya", "tidak", 3.0, None]), min_size=3, max_size=3), min_size=1, max_size=8
    )
)
def test_every_answer_given_is_one_long_row_and_nothing_else(answers: list[list[Any]]) -> None:
    rows = [
        (n + 2, ["", "7", f"P{n}", "treatment", "pre", *values, f"uuid:{n}", f"uuid:{n}", "", ""])
        for n, values in enumerate(answers)
    ]

    _header, long_rows = widened(CENTRAL, rows)

    given_answers = {
        (n + 2, code, "3" if value == 3.0 else value)
        for n, values in enumerate(answers)
        for code, value in zip(CODES, values, strict=True)
        if value not in ("", None)
    }
    got = {(number, values[-2], values[-1]) for number, values in long_rows if values[-2]}
    assert got == given_answers
    silent = {n + 2 for n, values in enumerate(answers) if all(v in ("", None) for v in values)}
    assert {number for number, values in long_rows if not values[-2]} == silent
    assert len({values[5] for _n, values in long_rows}) == len(long_rows)  # every row its own submission id


@pytest.mark.django_db
def test_the_item_codes_looked_for_are_those_of_the_users_studies(surabaya_officer: User, admin: User) -> None:
    seen = make_study(treatment=1, control=1)
    seen.evaluators.create(user=surabaya_officer)
    make_study(treatment=1, control=1, instrument=make_instrument("LAIN"))

    assert item_codes_for(user=surabaya_officer) == {"A1.1", "A1.2", "A2.1"}
    assert item_codes_for(user=admin) == {"A1.1", "A1.2", "A2.1"}  # both instruments use the same codes
