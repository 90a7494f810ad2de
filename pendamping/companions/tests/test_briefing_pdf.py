"""The briefing batch report as a PDF, read back with pypdf: the batch, its modules and hours, the budget totals,
the participants with their scores and the paired tests; scoped as the XLSX is (404 out of scope, only the
reader's regencies' participants by name)."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from pendamping.companions.models import Briefing
from pendamping.companions.selectors.briefing_summary import briefing_results
from pendamping.companions.services.briefing import (
    attendance_record,
    briefing_finish,
    budget_line_add,
    scores_record,
)
from pendamping.companions.tests.briefing_factories import (
    JUL2,
    batch,
    instructor,
    join,
    malang,
    module,
    person,
    session,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"companions:{name}", args=args)


def text(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def briefing() -> Briefing:
    """The batch of test_briefing_pages.py, and a second budget line: Ani and Budi of Surabaya and Eko of Malang;
    two 2-hour sessions of a 4-hour module; Ani (40 → 70) and Eko (55, no post-test) scored."""
    b = batch()
    mod = module(b, "Peran pendamping", 4)
    module(b, "Kewirausahaan sosial", "2.5")
    first = session(b, mod, instructors=[instructor()])
    session(b, mod, on=JUL2, method="role_play")
    ani, budi, eko = join(b, person("Ani Lestari"), person("Budi Santoso", status="active"), malang("Eko Prasetyo"))
    attendance_record(actor=None, session=first, present=[ani.pk, eko.pk])
    scores_record(
        actor=None, briefing=b, scores={ani.pk: {"pre_score": 40, "post_score": 70}, eko.pk: {"pre_score": 55}}
    )
    budget_line_add(actor=None, briefing=b, item="Konsumsi", planned="2.000.000", actual="1.950.000")
    budget_line_add(actor=None, briefing=b, item="Penginapan", planned="3.500.000")
    b.refresh_from_db()
    return b


def test_the_pdf_holds_the_batch_its_seven_elements_attendance_and_results(
    briefing: Briefing, client_for: Callable[..., Client], admin: Any
) -> None:
    pdf = text(client_for(admin).get(url("briefing_report_pdf", briefing.pk)))
    assert "Briefing batch report: Pembekalan Angkatan I" in pdf
    for heading in ("1. Participants", "2. Materials (curriculum)", "3. Methods", "4. Budget", "5. Time (sessions)",
                    "6. Instructors", "7. Facilities", "Attendance", "Results", "Knowledge test"):  # fmt: skip
        assert heading in pdf, heading
    assert "Peran pendamping 4 4 0 2" in pdf  # planned, scheduled, difference, sessions
    assert "Kewirausahaan sosial 2.5 0 -2.5 0" in pdf
    assert "Total 6.5 4 -2.5" in pdf
    assert "Konsumsi 2,000,000 1,950,000 -50,000" in pdf and "Penginapan 3,500,000 – –" in pdf
    assert "Total 5,500,000 1,950,000 -3,550,000" in pdf
    assert "1 line has no actual amount yet" in pdf
    # Hours attended, share of the batch's hours (80 % needed), completion so far, pre, post, gain.
    assert "Ani Lestari 2 50% below the threshold 40 70 30" in pdf
    assert "Eko Prasetyo 2 50% below the threshold 55 – –" in pdf
    assert "Budi Santoso 0 0% below the threshold – – –" in pdf
    assert "Ani Lestari ✓ ·" in pdf and "Budi Santoso ✗ ·" in pdf  # present, absent, not recorded
    assert "Dr. Sri Rahayu" in pdf and "Wilcoxon signed-rank" in pdf
    assert "Not testable: 1 participant(s) have both scores" in pdf  # only Ani has both


def test_the_pdf_speaks_indonesian_with_rupiah_grouped_by_dots(
    briefing: Briefing, client_for: Callable[..., Client], admin: Any, settings: Any
) -> None:
    client = client_for(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    pdf = text(client.get(url("briefing_report_pdf", briefing.pk)))
    assert "1.950.000" in pdf and "5.500.000" in pdf and "Halaman 1 dari" in pdf
    assert "Kewirausahaan sosial 2,5" in pdf


def test_an_officer_gets_the_pdf_of_a_batch_with_their_participants_naming_only_those(
    briefing: Briefing, client_for: Callable[..., Client], surabaya_officer: Any, malang_officer: Any
) -> None:
    pdf = text(client_for(surabaya_officer).get(url("briefing_report_pdf", briefing.pk)))
    assert "Ani Lestari" in pdf and "Budi Santoso" in pdf and "Eko Prasetyo" not in pdf
    assert "3 participants" in pdf  # counted over the whole batch
    pdf = text(client_for(malang_officer).get(url("briefing_report_pdf", briefing.pk)))
    assert "Eko Prasetyo" in pdf and "Ani Lestari" not in pdf and "Budi Santoso" not in pdf


def test_a_batch_out_of_scope_is_404_like_the_xlsx(
    briefing: Briefing, client_for: Callable[..., Client], malang_officer: Any, companion_user: Any, evaluator: Any
) -> None:
    only_surabaya = batch("Pembekalan Surabaya")
    join(only_surabaya, person("Citra"))
    for name in ("briefing_report_xlsx", "briefing_report_pdf"):
        assert client_for(malang_officer).get(url(name, only_surabaya.pk)).status_code == 404, name
        for user in (companion_user, evaluator):
            assert client_for(user).get(url(name, briefing.pk)).status_code == 404, name


def test_the_batch_page_and_the_printable_report_link_to_the_pdf(
    briefing: Briefing, client_for: Callable[..., Client], admin: Any
) -> None:
    client = client_for(admin)
    for page in ("briefing_detail", "briefing_report"):
        assert url("briefing_report_pdf", briefing.pk) in client.get(url(page, briefing.pk)).content.decode(), page


def test_the_paired_tests_print_the_selectors_statistics_and_a_finished_batch_says_who_completed(
    briefing: Briefing, client_for: Callable[..., Client], admin: Any
) -> None:
    people = {p.companion.name: p.pk for p in briefing.participants.select_related("companion")}
    scores = {"Budi Santoso": (50, 65), "Eko Prasetyo": (55, 60)}
    scores_record(
        actor=None,
        briefing=briefing,
        scores={people[name]: {"pre_score": pre, "post_score": post} for name, (pre, post) in scores.items()},
    )
    for s in briefing.sessions.all():
        attendance_record(actor=None, session=s, present=[people["Ani Lestari"]])
    briefing_finish(actor=None, briefing=briefing)
    briefing.refresh_from_db()
    results = briefing_results(user=admin, briefing=briefing)
    pdf = text(client_for(admin).get(url("briefing_report_pdf", briefing.pk)))
    for test in results.tests:
        assert test.result is not None
        assert f"{test.name} {test.result.statistic:.3f}" in pdf and f"{test.result.pvalue:.4f}" in pdf
    assert f"{results.mean_gain:.2f}\nMean gain" in pdf
    assert "Ani Lestari 4 100% yes 40 70 30" in pdf and "Budi Santoso 0 0% no 50 65 15" in pdf
    assert "1 of 3 completed." in pdf
