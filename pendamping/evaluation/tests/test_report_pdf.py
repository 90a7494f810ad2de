"""The evaluation report as a PDF, read back with pypdf: the summary per aspect, both tables' statistics as the
HTML report prints them, in Indonesian and in English; the analysis page offers it to those who may see the
analysis (404 for the others); the standalone command writes it next to report.html."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from pendamping.accounts.models import User
from pendamping.evaluation.engine.analysis import analyse
from pendamping.evaluation.engine.instrument_file import load_instrument
from pendamping.evaluation.engine.io import parse_responses
from pendamping.evaluation.engine.model import AnalysisOptions
from pendamping.evaluation.engine.result import AnalysisResult
from pendamping.evaluation.engine.text import fmt, fmt_p, t
from pendamping.evaluation.models import Analysis, Study
from pendamping.evaluation.report_pdf import render_pdf
from pendamping.evaluation.selectors.pages import DOWNLOADS
from pendamping.evaluation.services import analysis_request
from pendamping.evaluation.tests.factories import answer_all, make_study

DOCS = Path(__file__).resolve().parents[3] / "docs" / "evaluation"
INSTRUMENT, RESPONSES = DOCS / "example_instrument.yaml", DOCS / "example_responses.csv"


def example(lang: str) -> AnalysisResult:
    """The documented example study: 20 respondents per arm, four aspects."""
    parsed = parse_responses(RESPONSES.read_text(), name=RESPONSES.name)
    return analyse(load_instrument(INSTRUMENT), parsed.answers, AnalysisOptions(lang=lang))


def pdf_text(data: bytes) -> str:
    """The text of every page, on one line: a table header wraps ("χ²" over "hitung"), the numbers do not."""
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("lang", "words"), [
    ("id", ("Laporan evaluasi", "Tabel gaya asli", "H0 ditolak", "p disesuaikan", "Halaman 1 dari", "χ² hitung")),
    ("en", ("Evaluation report", "Original-style table", "H0 rejected", "adjusted p", "Page 1 of", "χ² computed")),
])  # fmt: skip
def test_the_pdf_holds_both_tables_as_the_html_report_prints_them(lang: str, words: tuple[str, ...]) -> None:
    result = example(lang)
    text = pdf_text(render_pdf(result))
    for word in words:
        assert word in text, word
    for aspect in result.instrument["aspects"]:
        assert f"• {aspect['title']}: " in text  # its summary line
    for row in result.original:
        printed = [row.n, fmt(row.chi2, lang), row.df, fmt(row.chi2_table, lang), fmt_p(row.pvalue, lang)]
        assert " ".join(str(cell) for cell in [*printed, row.decision_text]) in text, row
    for design in result.design:
        printed = [design.n, fmt(design.statistic, lang), "–" if design.df is None else design.df]
        printed += [fmt_p(design.pvalue, lang), fmt_p(design.p_adjusted, lang), design.decision_text]
        assert " ".join(str(cell) for cell in printed) in text, design
    assert result.inputs_hash in text and f"{t('treatment', lang)}: n = 20" in text


def test_the_summary_gives_the_did_estimate_its_interval_and_the_adjusted_p() -> None:
    result = example("en")
    text = pdf_text(render_pdf(result))
    did = next(r for r in result.design if r.comparison == "did" and r.aspect == "A1")
    low, high = did.effect_sizes["ci"]
    estimate = f"DiD = {fmt(did.effect_sizes['did_estimate'], 'en', 1)} (95% CI {fmt(low, 'en', 1)} – "
    assert estimate + fmt(high, "en", 1) in text
    assert "the treatment arm changed more than the control arm" in text


def client(user: User) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def analysed(study: Study) -> Analysis:
    answer_all(study, wave="pre", good=False)
    answer_all(study, wave="post", good=True)
    return analysis_request(actor=None, study=study, run_now=True)


@pytest.mark.django_db
def test_the_analysis_page_offers_the_pdf_to_those_who_may_see_the_analysis(admin: User, evaluator: User) -> None:
    assert DOWNLOADS["report.pdf"] == "application/pdf"
    analysis = analysed(make_study(evaluators=(evaluator,)))
    address = reverse("evaluation:analysis_file", args=[analysis.pk])
    page = client(evaluator).get(reverse("evaluation:analysis_detail", args=[analysis.pk])).content.decode()
    assert f"{address}?file=report.pdf" in page
    for user in (admin, evaluator):
        response = client(user).get(address, {"file": "report.pdf"})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="analysis-{analysis.pk}-report.pdf"'
        text = pdf_text(response.content)
        assert "Instrumen uji" in text and "Rekrutmen" in text and "Pembekalan" in text


@pytest.mark.django_db
def test_an_evaluator_not_named_on_the_study_gets_404_for_the_pdf(admin: User, evaluator: User) -> None:
    analysis = analysed(make_study())
    address = reverse("evaluation:analysis_file", args=[analysis.pk])
    assert client(admin).get(address, {"file": "report.pdf"}).status_code == 200
    assert client(evaluator).get(address, {"file": "report.pdf"}).status_code == 404


def test_the_command_writes_the_pdf_next_to_the_html(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("evaluate", str(RESPONSES), instrument=str(INSTRUMENT), out=str(tmp_path), lang="en", stdout=out)
    assert str(tmp_path / "report.pdf") in out.getvalue() and (tmp_path / "report.html").exists()
    assert "Original-style table" in pdf_text((tmp_path / "report.pdf").read_bytes())


def test_problems_in_the_input_are_listed_with_their_row() -> None:
    lines = RESPONSES.read_text().splitlines()
    lines[1] = "T01,treatment,pre,A1.1,mungkin"  # not an option of the item
    parsed = parse_responses("\n".join(lines) + "\n", name=RESPONSES.name)
    result = analyse(load_instrument(INSTRUMENT), parsed.answers, AnalysisOptions(lang="id"), rows=parsed.rows)
    assert result.problems
    text = pdf_text(render_pdf(result))
    problem = result.problems[0]
    assert f"Masalah pada data masukan ({len(result.problems)})" in text
    assert f"{problem.row} {problem.respondent} {problem.field} {problem.value}" in text
