"""The pseudonymised research export: one row per answer, respondents known by the study's keyed pseudonym, ages
in bands; no NIK, name, address, phone, birth date or desa of anyone in the file (QUALITY A6, A7). Only admins and
the evaluators named on the study may have it."""

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pendamping.accounts.models import User
from pendamping.evaluation.models import Study
from pendamping.evaluation.services import respondent_add_external
from pendamping.evaluation.tests.factories import answer_all, make_study
from pendamping.exchange.exports.research import age_band, age_on, reference_day

pytestmark = [pytest.mark.django_db]

HEADERS = [
    "Pseudonym", "Arm", "Wave", "Wave order", "Aspect", "Item", "Question", "Answer", "Answer label", "Favourable",
    "Answer score", "Respondent", "Sex", "Age band", "Education", "Regency code",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _generous_export_limit(settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_EXPORT": "100000/min"}
    cache.clear()


@pytest.fixture
def study(evaluator: User) -> Study:
    """Three Surabaya companions (treatment), three Malang ones (control), an external person; everyone answered
    both waves. The evaluator is named on it."""
    study = make_study(evaluators=(evaluator,))
    respondent_add_external(
        actor=None, study=study, arm="control", name="Rahasia Eksternal", ref="3578016601850009", regency_code="35.78"
    )
    answer_all(study, wave="pre", good=False)
    answer_all(study, wave="post", good=True)
    return study


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def download(user: User, study: Study, fmt: str) -> Any:
    return signed_in(user).get(reverse("exchange:export_research", args=[study.pk]), {"format": fmt})


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(response: Any, fmt: str) -> list[list[Any]]:
    return parse(body(response), fmt)


def parse(data: bytes, fmt: str) -> list[list[Any]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def every_byte(data: bytes, fmt: str) -> str:
    """The file as text: the CSV itself, or every part of the XLSX unpacked (strings are inline, in the sheet)."""
    if fmt == "csv":
        return data.decode("utf-8-sig")
    archive = zipfile.ZipFile(io.BytesIO(data))
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def identities(study: Study) -> list[str]:
    found = []
    for respondent in study.respondents.select_related("companion"):
        if person := respondent.companion:
            found += [person.nik, person.name, person.phone, person.home_desa_id, person.birth_date.isoformat()]
            found += [person.birth_date.strftime("%d/%m/%Y"), person.nik[:4] + "********" + person.nik[-4:]]
        else:
            found += [respondent.external_name, respondent.external_ref]
    return [*found, study.pseudonym_key]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_holds_every_answer_under_the_pseudonyms_and_no_identity(
    fmt: str, study: Study, evaluator: User
) -> None:
    response = download(evaluator, study, fmt)
    assert response.status_code == 200
    data = body(response)
    rows = parse(data, fmt)
    assert rows[0] == HEADERS
    assert len(rows) - 1 == 7 * 3 * 2  # respondents x items x waves
    pseudonyms = set(study.respondents.values_list("pseudonym", flat=True))
    assert {row[0] for row in rows[1:]} == pseudonyms
    text = every_byte(data, fmt)
    assert all(pseudonym in text for pseudonym in pseudonyms)  # the search does see the file's text
    assert not [secret for secret in identities(study) if secret in text]


def test_companions_are_described_by_sex_age_band_education_and_regency(study: Study, admin: User) -> None:
    rows = rows_of(download(admin, study, "csv"), "csv")[1:]
    day = reference_day(study)
    assert day == dt.date(2025, 1, 1)
    for respondent in study.respondents.select_related("companion", "arm"):
        mine = [row for row in rows if row[0] == respondent.pseudonym]
        assert len(mine) == 6
        first = mine[0]
        assert first[1] == respondent.arm.code
        if person := respondent.companion:
            assert first[11:] == [
                "companion",
                person.get_sex_display(),
                age_band(age_on(person.birth_date, day)),
                person.get_education_display(),
                person.regency_id,
            ]
        else:
            assert first[11:] == ["external person", "", "", "", "35.78"]
    assert {row[2] for row in rows} == {"pre", "post"}
    assert {(row[5], row[7], row[9]) for row in rows if row[2] == "post"} == {
        ("A1.1", "ya", "yes"),
        ("A1.2", "selalu", "yes"),
        ("A2.1", "5", "yes"),
    }


@pytest.mark.parametrize(
    ("age", "band"), [(18, "<25"), (24, "<25"), (25, "25-34"), (34, "25-34"), (35, "35-44"), (54, "45-54"), (55, "55+")]
)
def test_age_bands(age: int, band: str) -> None:
    assert age_band(age) == band


def test_age_counts_whole_years_up_to_the_birthday() -> None:
    assert age_on(dt.date(1990, 6, 15), dt.date(2025, 6, 14)) == 34
    assert age_on(dt.date(1990, 6, 15), dt.date(2025, 6, 15)) == 35


def test_only_named_evaluators_and_admins_get_a_study(
    study: Study, admin: User, evaluator: User, surabaya_officer: User, companion_user: User
) -> None:
    other = User.objects.create_user(username="evaluator_elsewhere", role="evaluator")
    assert download(admin, study, "xlsx").status_code == 200
    assert download(evaluator, study, "xlsx").status_code == 200
    assert download(other, study, "xlsx").status_code == 404  # not named on it: as if it did not exist
    assert download(surabaya_officer, study, "xlsx").status_code == 404
    assert download(companion_user, study, "csv").status_code == 404
    # Roles that see the study (an officer named on it, a companion answering in it) may still not export it.
    study.evaluators.create(user=surabaya_officer)
    respondent = study.respondents.filter(companion__isnull=False).select_related("companion").first()
    assert respondent is not None and respondent.companion is not None
    respondent.companion.user = companion_user
    respondent.companion.save()
    assert download(surabaya_officer, study, "xlsx").status_code == 403
    assert download(companion_user, study, "csv").status_code == 403
    missing = signed_in(admin).get(reverse("exchange:export_research", args=[study.pk + 1000]))
    assert missing.status_code == 404


def test_an_unknown_format_is_refused(study: Study, evaluator: User) -> None:
    response = download(evaluator, study, "sav")
    assert response.status_code == 400
    assert "choose csv or xlsx" in response.content.decode()


def test_the_study_page_snippet_links_the_research_export_for_evaluators_only(
    study: Study, evaluator: User, surabaya_officer: User
) -> None:
    request = RequestFactory().get("/")
    url = reverse("exchange:export_research", args=[study.pk])
    request.user = evaluator
    html = render_to_string("exchange/exports/research_links.html", {"study": study}, request=request)
    assert f'href="{url}?format=xlsx"' in html and f'href="{url}?format=csv"' in html
    request.user = surabaya_officer
    assert url not in render_to_string("exchange/exports/research_links.html", {"study": study}, request=request)
