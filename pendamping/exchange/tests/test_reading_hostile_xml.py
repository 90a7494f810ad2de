"""B5 (QUALITY.md), the parts test_reading.py leaves out: a zip bomb is refused in under a second, in memory
that does not grow with the bomb (built before the clock starts); and XML entity tricks inside a workbook
(billion laughs, an external entity naming a local file) are neither expanded nor followed: the file is refused,
or read with the entity left as it was, quickly and in little memory."""

import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pendamping.exchange.reading import FileProblem, open_table
from pendamping.exchange.tests import files

MB = 1024 * 1024
LAUGHS = "".join(
    f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n else "lol"}">' for n in range(10)
)  # lol9 would expand to 10^9 "lol"s: 3 GB


def _rewrite(path: Path, member_pattern: str, text_for: Callable[[str], str]) -> Path:
    """Copy the workbook with the first member matching `member_pattern` passed through `text_for`."""
    out = path.with_name("hostile.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        done = False
        for info in source.infolist():
            data = source.read(info.filename)
            if not done and re.fullmatch(member_pattern, info.filename):
                data = text_for(data.decode()).encode()
                done = True
            target.writestr(info, data)
    assert done, f"no member like {member_pattern}"
    return out


def _with_doctype(xml: str, entities: str, reference: str) -> str:
    """`xml` with a DOCTYPE declaring `entities` and the first cell text replaced by `reference`."""
    xml = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + f"<!DOCTYPE x [{entities}]>", xml, count=1)
    return re.sub(r"<t([^>]*)>[^<]*</t>", lambda m: f"<t{m.group(1)}>{reference}</t>", xml, count=1)


def _read(path: Path) -> tuple[list[list[object]] | str, float, int]:
    """(rows, or the refusal's message), seconds, peak traced bytes."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        table = open_table(path, name=path.name)
        result: list[list[object]] | str = [list(table.header), *[list(row) for row in table.rows]]
    except FileProblem as refused:
        result = str(refused)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def _workbook(tmp_path: Path) -> Path:
    return files.xlsx_file(tmp_path, [["Nama", "NIK"], ["Ani", "3578010101900001"]])


@pytest.mark.parametrize("member", [r"xl/sharedStrings\.xml", r"xl/worksheets/sheet\d+\.xml"])
def test_billion_laughs_is_not_expanded(tmp_path: Path, member: str) -> None:
    hostile = _rewrite(_workbook(tmp_path), member, lambda xml: _with_doctype(xml, LAUGHS, "&lol9;"))
    result, seconds, peak = _read(hostile)
    assert seconds < 1 and peak < 50 * MB, (seconds, peak)
    assert isinstance(result, str) or "lollollol" not in repr(result)


def test_an_external_entity_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "rahasia.txt"
    secret.write_text("ROOT-SECRET-4242")
    entity = f'<!ENTITY xxe SYSTEM "file://{secret}">'
    hostile = _rewrite(_workbook(tmp_path), r"xl/sharedStrings\.xml", lambda xml: _with_doctype(xml, entity, "&xxe;"))
    result, seconds, _peak = _read(hostile)
    assert seconds < 1
    assert "ROOT-SECRET-4242" not in repr(result)


def test_a_zip_bomb_is_refused_in_under_a_second_in_memory_that_does_not_grow_with_it(tmp_path: Path) -> None:
    peaks = []
    for unpacked in (30 * MB, 120 * MB):
        bomb = files.zip_bomb(tmp_path, unpacked=unpacked, name=f"bomb{unpacked}.xlsx")  # before the clock starts
        result, seconds, peak = _read(bomb)
        assert isinstance(result, str) and "unpacks to more than" in result
        assert seconds < 1, seconds
        peaks.append(peak)
    # Unpacked in chunks of a few MB and stopped at the cap: four times the bomb, the same memory.
    assert max(peaks) < 32 * MB and peaks[1] < peaks[0] * 1.2, peaks


def test_the_rewritten_workbook_without_a_doctype_still_reads(tmp_path: Path) -> None:
    """The control: the refusals above come from the entities, not from how the test rewrites the file."""
    same = _rewrite(_workbook(tmp_path), r"xl/sharedStrings\.xml", lambda xml: xml)
    result, _seconds, _peak = _read(same)
    assert not isinstance(result, str), result
    header, (_row_number, values) = result[0], result[1]
    assert (header, values) == (["Nama", "NIK"], ["Ani", "3578010101900001"])
