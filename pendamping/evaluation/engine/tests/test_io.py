"""Reading responses (long, wide, separators, encodings, Indonesian headers) and instrument YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from pendamping.evaluation.engine.io import InputError, load_instrument, parse_instrument, parse_responses
from pendamping.evaluation.engine.model import Answer

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "evaluation"

LONG = "respondent,arm,wave,item,answer\nT1,treatment,pre,I1,ya\nT1,treatment,post,I1,tidak\n"
EXPECTED = [Answer("T1", "treatment", "pre", "I1", "ya"), Answer("T1", "treatment", "post", "I1", "tidak")]


def test_long_format() -> None:
    read = parse_responses(LONG.encode())
    assert read.layout == "long" and read.delimiter == "," and read.encoding == "utf-8"
    assert read.answers == EXPECTED
    assert read.rows == [2, 3]


def test_wide_format_with_blank_answers_skipped() -> None:
    text = "respondent,arm,wave,I1,I2\nT1,treatment,pre,ya,\nT1,treatment,post,tidak,ya\n"
    read = parse_responses(text.encode())
    assert read.layout == "wide"
    assert read.answers == [*EXPECTED[:1], EXPECTED[1], Answer("T1", "treatment", "post", "I2", "ya")]
    assert read.rows == [2, 3, 3]
    assert read.blanks == 1


def test_semicolon_bom_and_indonesian_headers_and_values() -> None:
    text = (
        "\ufeffResponden ; Kelompok;Gelombang;Butir;Jawaban\n"
        "T1;Perlakuan;Pre-test;I1;ya\nK1;kontrol;POST-TEST;I1;tidak\n"
    )
    read = parse_responses(text.encode("utf-8"))
    assert read.delimiter == ";"
    assert read.answers == [
        Answer("T1", "treatment", "pre", "I1", "ya"),
        Answer("K1", "control", "post", "I1", "tidak"),
    ]
    assert read.columns["respondent"] == "Responden"


def test_cp1252_file() -> None:
    text = "respondent;arm;wave;item;answer\nSiti Åminah;treatment;pre;I1;ya\n"
    read = parse_responses(text.encode("cp1252"))
    assert read.encoding == "cp1252"
    assert read.answers[0].respondent == "Siti Åminah"


def test_quoted_fields_with_separators() -> None:
    text = 'respondent,arm,wave,item,answer\n"Budi, S.Sos",treatment,pre,I1,"ya"\n'
    assert parse_responses(text.encode()).answers[0].respondent == "Budi, S.Sos"


def test_missing_column_names_file_and_row() -> None:
    with pytest.raises(InputError) as info:
        parse_responses(b"respondent,wave,item,answer\nT1,pre,I1,ya\n", name="data.csv")
    assert info.value.file == "data.csv" and info.value.row == 1
    assert "missing column(s) 'arm' (or kelompok" in str(info.value)
    assert str(info.value).startswith("data.csv, line 1: ")


def test_empty_respondent_names_row_and_column() -> None:
    with pytest.raises(InputError) as info:
        parse_responses(
            b"respondent,arm,wave,item,jawaban\nT1,treatment,pre,I1,ya\n,treatment,pre,I1,ya\n", name="x.csv"
        )
    assert (info.value.row, info.value.column) == (3, "respondent")
    assert str(info.value) == "x.csv, line 3, column 'respondent': the respondent is empty"


def test_row_with_too_many_fields() -> None:
    with pytest.raises(InputError, match="line 2: the row has 6 fields but the header has 5"):
        parse_responses(b"respondent,arm,wave,item,answer\nT1,treatment,pre,I1,ya,extra\n")


def test_empty_file() -> None:
    with pytest.raises(InputError, match="the file is empty"):
        parse_responses(b"  \n")


def test_example_files_read() -> None:
    instrument = load_instrument(EXAMPLES / "example_instrument.yaml")
    assert [len(a.items) for a in instrument.aspects] == [4, 4, 5, 5]
    assert {i.kind for a in instrument.aspects for i in a.items} == {"binary", "likert"}
    read = parse_responses((EXAMPLES / "example_responses.csv").read_bytes())
    assert len(read.answers) == 40 * 2 * 18


YAML = """\
code: X
version: 1
title: Test
aspects:
  - code: A1
    title: One
    items:
      - code: I1
        text: Question
        kind: binary
        options:
          - {code: ya, label: Ya, favourable: true}
          - {code: tidak, label: Tidak, favourable: false}
"""


def test_yaml_instrument() -> None:
    instrument = parse_instrument(YAML)
    item = instrument.aspects[0].items[0]
    assert (instrument.code, instrument.version, item.code, item.kind, item.ordered) == ("X", 1, "I1", "binary", False)
    assert [o.favourable for o in item.options] == [True, False]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("kind: binary", "kind: essay"), 10, "kind must be one of binary, categorical, likert"),
        (("favourable: true}", "favourable: maybe}"), 12, "'favourable' must be true or false"),
        (("text: Question", "txet: Question"), 9, "unknown key 'txet'"),
        (("version: 1", "version: one"), 2, "'version' must be a whole number"),
        (("    title: One", "    title: [One"), 7, "not valid YAML"),
        (("          - {code: tidak, label: Tidak, favourable: false}\n", ""), 8, "at least two answer options"),
        ((YAML[YAML.index("options:") :], "options: nope\n"), 11, "unknown option set"),
    ],
)
def test_yaml_errors_name_the_line(change: tuple[str, str], line: int, message: str) -> None:
    text = YAML.replace(*change)
    with pytest.raises(InputError) as info:
        parse_instrument(text, name="inst.yaml")
    assert info.value.row == line, str(info.value)
    assert message in str(info.value)
    assert str(info.value).startswith(f"inst.yaml, line {line}")


def test_yaml_duplicate_item_code_names_both_lines() -> None:
    text = (
        YAML
        + """\
      - code: I1
        kind: binary
        options:
          - {code: ya, favourable: true}
          - {code: tidak, favourable: false}
"""
    )
    with pytest.raises(InputError, match="line 14.*item code 'I1' is already used on line 8"):
        parse_instrument(text, name="inst.yaml")


def test_likert_without_scores_is_rejected() -> None:
    text = YAML.replace("kind: binary", "kind: likert")
    with pytest.raises(InputError, match="every option of a likert item needs a score"):
        parse_instrument(text)


def test_option_sets_and_round_trip() -> None:
    from pendamping.evaluation.engine.instrument_file import instrument_to_yaml

    instrument = load_instrument(EXAMPLES / "example_instrument.yaml")
    assert parse_instrument(instrument_to_yaml(instrument)) == instrument
