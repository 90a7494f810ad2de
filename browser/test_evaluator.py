"""An evaluator runs the analysis of the demo study (a queued task the worker runs) and downloads the report."""

from pathlib import Path
from typing import Any


def test_evaluator_runs_the_demo_study_and_downloads_the_report(evaluator: Any, shot: Any, tmp_path: Path) -> None:
    page = evaluator
    page.goto("/evaluation/")
    shot(page, "studies", guide="evaluator-studi-daftar")
    with page.expect_navigation():
        page.locator("main table a[href*='/evaluation/studies/']").first.click()
    shot(page, "study", guide="evaluator-studi")
    # Pseudonyms only: no name, no NIK on the study page.
    assert "R-" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.click("form[action$='/analyse/'] button[type=submit]")
    assert "/evaluation/analyses/" in page.url
    shot(page, "analysis-queued")
    # The page polls while the worker computes, then reloads itself with the result and its downloads.
    report = page.locator("a[href$='file=report.pdf']")
    report.wait_for(timeout=90_000)
    shot(page, "analysis-done", guide="evaluator-analisis")
    with page.expect_download() as download:
        report.click()
    target = tmp_path / "report.pdf"
    download.value.save_as(target)
    assert target.read_bytes()[:5] == b"%PDF-"
    assert target.stat().st_size > 10_000
    with page.expect_download() as download:
        page.locator("a[href$='file=original_table.xlsx']").click()
    assert download.value.suggested_filename.endswith("original_table.xlsx")
