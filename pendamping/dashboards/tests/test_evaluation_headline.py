"""The dashboard's evaluation headline: per aspect, significant or not, the difference-in-differences in points
and an effect size, read from the newest finished analysis of a study the user may read; on the page, over the
API and in the province report."""

import io
import re

import openpyxl
import pytest
from django.test import Client
from pypdf import PdfReader

from pendamping.accounts.services import token_create
from pendamping.dashboards.area import province
from pendamping.dashboards.board import dashboard
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.services import report_request
from pendamping.evaluation.services.analyses import analysis_request
from pendamping.evaluation.services.responses import responses_record
from pendamping.evaluation.tests.factories import make_study, respondents

pytestmark = pytest.mark.django_db
BAD = {"A1.1": "tidak", "A1.2": "kadang", "A2.1": "2"}  # scores: A1 0 (no, lowest category), A2 25 (2 on 1..5)
GOOD = {"A1.1": "ya", "A1.2": "selalu", "A2.1": "5"}  # A1 100, A2 100


def _study(treatment: int, control: int) -> None:
    """Only the treatment arm answers better after the model; the control arm answers as before."""
    study = make_study(treatment=treatment, control=control)
    waves = {w.code: w for w in study.waves.all()}
    for arm, after in (("treatment", GOOD), ("control", BAD)):
        for person in respondents(study, arm):
            responses_record(actor=None, respondent=person, wave=waves["pre"], answers=BAD)
            responses_record(actor=None, respondent=person, wave=waves["post"], answers=after)
    analysis_request(actor=None, study=study, run_now=True)


def _aspects(user):
    headline = dashboard(user=user, area=province(), period=parse_period("2026-Q3")).evaluation
    assert headline is not None and headline.study == "Studi uji"
    return {a.title: a for a in headline.aspects}


def test_each_aspect_shows_the_did_its_interval_and_the_effect_size(regions, admin):
    _study(4, 4)
    a1, a2 = _aspects(admin)["Rekrutmen"], _aspects(admin)["Pembekalan"]
    # Every treatment companion gained 100 (A1) and 75 (A2) points, every control companion 0: the DiD is that
    # gain with no spread, and every treatment change beats every control change (A = 1).
    assert (a1.did, a1.ci_low, a1.ci_high, a1.superiority) == (100.0, 100.0, 100.0, 1.0)
    assert (a2.did, a2.superiority) == (75.0, 1.0)
    # Four against four cannot pass Holm's correction over the study's tests: clear effect, not significant.
    assert a1.testable and not a1.significant and a1.verdict == "not significant" and a1.p_adjusted > 0.05


def test_a_large_enough_study_is_significant_on_the_page_and_over_the_api(regions, admin, settings):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 0
    _study(12, 12)
    assert _aspects(admin)["Rekrutmen"].significant and _aspects(admin)["Rekrutmen"].p_adjusted < 0.05
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    page = re.sub(r"\s+", " ", client.get("/dashboards/?period=2026-Q3").content.decode())
    assert "Effect size (A)" in page and "yes, significant" in page and ">1.00<" in page
    token = token_create(user=admin, name="t")[1]
    body = Client().get("/api/dashboards/board?period=2026-Q3", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    api = {a["title"]: a for a in body["evaluation"]["aspects"]}
    assert api["Rekrutmen"]["superiority"] == 1.0 and api["Rekrutmen"]["significant"] is True
    assert api["Pembekalan"]["did"] == 75.0 and body["evaluation"]["study"] == "Studi uji"


def test_an_officer_sees_no_study_on_the_board_nor_over_the_api(regions, surabaya_officer, settings):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 0
    _study(4, 4)
    token = token_create(user=surabaya_officer, name="t")[1]
    body = Client().get("/api/dashboards/board?area=35.78", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["evaluation"] is None


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_province_report_carries_the_headline(regions, admin, fmt):
    _study(4, 4)
    report = report_request(
        actor=admin, kind="province_quarter", area_code="", period="2026-Q3", fmt=fmt, lang="en", run_now=True
    )
    data = bytes(report.content)
    if fmt == "pdf":
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert "Latest evaluation study" in text and "Effect size (A)" in text and "100.0" in text
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Evaluation"]
        rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows["Rekrutmen"][1:3] == ("not significant", 100.0) and rows["Pembekalan"][5] == 1.0
