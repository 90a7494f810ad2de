"""The standalone command and the files it writes: all present, self-contained HTML, JSON round trip.

The command runs as a subprocess through the ``pendamping`` console script — exactly what a
researcher types — which also keeps Django out of the engine's imports (import-linter contract).
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from python_calamine import CalamineWorkbook

from pendamping.evaluation.engine.analysis import analyse, inputs_hash
from pendamping.evaluation.engine.export import safe_cell
from pendamping.evaluation.engine.io import load_instrument, read_responses
from pendamping.evaluation.engine.model import AnalysisOptions, Answer
from pendamping.evaluation.engine.report import OUTPUT_FILES, write_report
from pendamping.evaluation.engine.result import AnalysisResult
from pendamping.evaluation.engine.simulate import simulate_study
from pendamping.evaluation.engine.tests.helpers import answers, yes_no_instrument

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "evaluation"
INSTRUMENT = EXAMPLES / "example_instrument.yaml"
RESPONSES = EXAMPLES / "example_responses.csv"


def _evaluate(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "pendamping"
    env = {**os.environ, "PENDAMPING_DATA": str(tmp_path / "var")}
    return subprocess.run([str(script), "evaluate", *args], capture_output=True, text=True, env=env, check=False)


class _Markup(HTMLParser):
    """Collects tag names and attribute values (everything but the text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [f"{k}={v}" for k, v in attrs]


def test_command_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _evaluate(tmp_path, str(RESPONSES), "--instrument", str(INSTRUMENT), "--out", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "1440 of 1440 answers used" in done.stdout
    assert "A1 Rekrutmen calon pendamping: DiD = +" in done.stdout
    for name in OUTPUT_FILES:
        assert (out / name).stat().st_size > 0, name
        assert str(out / name) in done.stdout
    html = (out / "report.html").read_text("utf-8")
    markup = _Markup()
    markup.feed(html)
    assert not any("http://" in a or "https://" in a for a in markup.attributes)
    assert not markup.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "svg" in markup.tags and "style" in markup.tags
    assert "classic error" in html and "Original-style table" in html and json.loads((out / "results.json").read_text())


def test_html_has_no_addresses_in_indonesian_either(tmp_path: Path) -> None:
    done = _evaluate(
        tmp_path, str(RESPONSES), "--instrument", str(INSTRUMENT), "--out", str(tmp_path), "--alpha", "0.01"
    )
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "report.html").read_text("utf-8")
    assert "http://" not in html and "https://" not in html
    assert 'lang="id"' in html and "kesalahan klasik" in html and "H0 ditolak" in html
    assert json.loads((tmp_path / "results.json").read_text())["options"]["alpha"] == 0.01


def test_results_json_round_trips(tmp_path: Path) -> None:
    instrument = load_instrument(INSTRUMENT)
    read = read_responses(RESPONSES)
    result = analyse(instrument, read.answers, AnalysisOptions(lang="en"), rows=read.rows)
    write_report(result, tmp_path)
    stored = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert stored == result.to_dict()
    assert AnalysisResult.from_dict(stored).to_dict() == stored
    for test in stored["design"]:
        assert {"statistic", "df", "pvalue", "method", "warnings", "p_adjusted", "effect_sizes"} <= test.keys()
    assert stored["software"]["pendamping"] and stored["software"]["numpy"] and stored["software"]["scipy"]
    assert len(stored["inputs_hash"]) == 64


def test_infinite_odds_ratio_is_written_as_inf() -> None:
    data = [
        *answers("treatment", "pre", "I1", ["tidak"] * 6), *answers("treatment", "post", "I1", ["ya"] * 6),
        *answers("control", "pre", "I1", ["tidak"] * 6), *answers("control", "post", "I1", ["tidak"] * 6),
    ]  # fmt: skip
    result = analyse(yes_no_instrument(), data)
    fisher = next(r for r in result.design if r.comparison == "between_post" and r.test == "Fisher exact")
    assert math.isinf(fisher.effect_sizes["odds_ratio"])
    stored = next(r for r in result.to_dict()["design"] if r["comparison"] == "between_post")
    assert stored["effect_sizes"]["odds_ratio"] == "inf"
    json.dumps(result.to_dict(), allow_nan=False)


def test_bad_input_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,arm,wave,item\nT1,treatment,pre,I1\n", encoding="utf-8")
    done = _evaluate(tmp_path, str(bad), "--instrument", str(INSTRUMENT), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "bad.csv, line 1: missing column(s) 'answer' (or jawaban" in done.stderr
    one_arm = tmp_path / "one_arm.csv"
    one_arm.write_text("respondent,arm,wave,item,answer\nT1,treatment,pre,A1.1,ya\nK1,control,pre,A1.1,?\n", "utf-8")
    done = _evaluate(tmp_path, str(one_arm), "--instrument", str(tmp_path / "missing.yaml"), "--out", "o")
    assert done.returncode == 2 and "missing.yaml: cannot read the file" in done.stderr
    done = _evaluate(tmp_path, str(one_arm), "--instrument", str(INSTRUMENT), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "arm 'control' has no respondents" in done.stderr
    assert "line 3: answer '?' is not an option of item 'A1.1'" in done.stderr
    assert not (tmp_path / "o").exists()


def test_spreadsheet_cells_are_neutralised(tmp_path: Path) -> None:
    assert [safe_cell(v) for v in ("=1+1", "+x", "-x", "@x", "\tx", "\rx", "ok", 3, None)] == [
        "'=1+1", "'+x", "'-x", "'@x", "'\tx", "'\rx", "ok", 3, None,
    ]  # fmt: skip
    instrument = yes_no_instrument()
    evil = type(instrument)(
        "T", 1, "t", (type(instrument.aspects[0])("A1", "=cmd|' /C calc'!A0", instrument.aspects[0].items),)
    )
    data = [
        *answers("treatment", "pre", "I1", ["ya", "tidak"]), *answers("treatment", "post", "I1", ["ya", "ya"]),
        *answers("control", "pre", "I1", ["ya", "tidak"]), *answers("control", "post", "I1", ["tidak", "ya"]),
    ]  # fmt: skip
    write_report(analyse(evil, data), tmp_path)
    with (tmp_path / "design_table.csv").open(encoding="utf-8-sig") as fh:
        cells = [row[0] for row in csv.reader(fh)][1:]
    assert cells and all(c == "'=cmd|' /C calc'!A0" for c in cells)
    sheet = CalamineWorkbook.from_path(str(tmp_path / "original_table.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[1][0] == "'=cmd|' /C calc'!A0"
    assert isinstance(sheet[1][2], float)  # numbers stay numbers


def test_inputs_hash_ignores_order_and_sees_changes() -> None:
    instrument = load_instrument(INSTRUMENT)
    data = simulate_study(instrument, n_per_arm=5)
    options = AnalysisOptions()
    base = inputs_hash(instrument, data, options)
    assert inputs_hash(instrument, list(reversed(data)), options) == base
    changed = [Answer(a.respondent, a.arm, a.wave, a.item, "tidak" if a.answer == "ya" else a.answer) for a in data]
    assert inputs_hash(instrument, changed, options) != base
    assert inputs_hash(instrument, data, AnalysisOptions(alpha=0.01)) != base
    assert analyse(instrument, data).inputs_hash == base


def test_simulation_is_deterministic_and_matches_the_example_file() -> None:
    instrument = load_instrument(INSTRUMENT)
    assert simulate_study(instrument, seed=7) == simulate_study(instrument, seed=7)
    assert simulate_study(instrument, seed=7) != simulate_study(instrument, seed=8)
    assert simulate_study(instrument, n_per_arm=20, seed=2019, effect=2.0) == read_responses(RESPONSES).answers
