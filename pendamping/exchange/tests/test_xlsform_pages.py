"""The doors to the offline forms: the forms page and its downloads, the API, and `pendamping xlsform`. Alice is
the provincial admin, Ani a companion of KUBE Melati (Surabaya), Sari the Surabaya officer; Malang's KUBE is
nobody's here but the admin's."""

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.evaluation.models import Study
from pendamping.evaluation.tests.factories import make_instrument, make_study
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def melati(companion_user: User) -> Group:
    ani = CompanionFactory(user=companion_user, home_desa=village(SURABAYA_VILLAGE), name="Ani Lestari")
    group = GroupFactory(desa=village(SURABAYA_VILLAGE), name="KUBE Melati")
    AssignmentFactory(group=group, companion=ani)
    AssignmentFactory(group=GroupFactory(desa=village(MALANG_VILLAGE), name="KUBE Apel Malang"))
    return group


@pytest.fixture
def study(companion_user: User, melati: Group) -> Study:
    """A collecting study Ani answers in (treatment)."""
    study = make_study(treatment=1, control=1)
    study.respondents.filter(arm__code="treatment").update(companion=companion_user.companion)
    return study


def page_client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def api_client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='odk')[1]}"})


def kube_listed(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book["choices"].iter_rows(values_only=True))
    return [row[1] for row in rows[1:] if row[0] == "kube"]


# --- the page -------------------------------------------------------------------------------------------------


def test_ani_downloads_her_visit_form_with_her_kube_only(companion_user: User, melati: Group) -> None:
    response = page_client(companion_user).get("/exchange/forms/visits.xlsx")

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="pendamping_visits.xlsx"'
    assert response["X-Form-Version"].isdigit()
    assert kube_listed(response.content) == [melati.code]


def test_the_forms_page_lists_the_forms_and_explains_the_round_trip(companion_user: User, study: Study) -> None:
    response = page_client(companion_user).get("/exchange/forms/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "/exchange/forms/visits.xlsx" in page and "/exchange/forms/reports.xlsx" in page
    assert f"/exchange/forms/instrument/{study.instrument_id}.xlsx?study={study.pk}" in page
    assert "ODK Central" in page and "KoboToolbox" in page and "instance ID" in page
    assert "/exchange/imports/new/" in page


def test_the_forms_page_costs_the_same_queries_however_many_studies(
    admin: User, study: Study, django_assert_max_num_queries: Any
) -> None:
    client = page_client(admin)
    client.get("/exchange/forms/")  # the session and the user, loaded once
    with django_assert_max_num_queries(12) as few:
        client.get("/exchange/forms/")
    for _ in range(3):
        make_study(treatment=1, control=1, instrument=study.instrument)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/exchange/forms/").content.decode()

    assert page.count("/exchange/forms/instrument/") == 4


def test_sari_may_narrow_the_list_to_her_regency_and_not_beyond(surabaya_officer: User, melati: Group) -> None:
    client = page_client(surabaya_officer)

    mine = client.get("/exchange/forms/reports.xlsx", {"regency": "35.78"})
    malang = client.get("/exchange/forms/reports.xlsx", {"regency": "35.07"})

    assert mine.status_code == 200 and kube_listed(mine.content) == [melati.code]
    assert malang.status_code == 404 and "KUBE Apel Malang" not in malang.content.decode()
    assert "no KUBE you could report on" in malang.content.decode()


def test_an_officer_without_a_regency_gets_a_page_saying_why(officer_without_region: User, melati: Group) -> None:
    response = page_client(officer_without_region).get("/exchange/forms/visits.xlsx")

    assert response.status_code == 404 and "no KUBE you could report on" in response.content.decode()


@pytest.mark.parametrize("url", ["/exchange/forms/", "/exchange/forms/visits.xlsx", "/exchange/forms/reports.xlsx"])
def test_auditors_and_evaluators_are_turned_away_and_visitors_sent_to_sign_in(
    url: str, auditor: User, evaluator: User, melati: Group
) -> None:
    assert page_client(auditor).get(url).status_code == 403
    assert page_client(evaluator).get(url).status_code == 403
    anonymous = page_client(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_a_survey_form_for_ani_s_study(companion_user: User, study: Study) -> None:
    response = page_client(companion_user).get(f"/exchange/forms/instrument/{study.instrument_id}.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pendamping_instrument_TEST_v1.xlsx"'


def test_an_instrument_of_a_study_one_is_not_in_is_not_found(
    companion_user: User, surabaya_officer: User, auditor: User, study: Study
) -> None:
    other = make_study(treatment=1, control=1, instrument=make_instrument("LAIN"))
    url = f"/exchange/forms/instrument/{other.instrument_id}.xlsx"

    for user in (companion_user, surabaya_officer, auditor):
        assert page_client(user).get(url).status_code == 404, user.username
    assert page_client(companion_user).get("/exchange/forms/instrument/99999999999999999999.xlsx").status_code == 404


def test_a_study_filter_outside_the_instrument_gives_a_page_not_a_crash(admin: User, study: Study) -> None:
    url = f"/exchange/forms/instrument/{study.instrument_id}.xlsx"

    assert page_client(admin).get(url, {"study": "abc"}).status_code == 404
    assert page_client(admin).get(url, {"study": "999999"}).status_code == 404


def test_downloads_take_get_only(companion_user: User, melati: Group) -> None:
    assert page_client(companion_user).post("/exchange/forms/visits.xlsx").status_code == 405


# --- the API --------------------------------------------------------------------------------------------------


def test_the_api_hands_out_the_same_form(companion_user: User, melati: Group) -> None:
    response = api_client(companion_user).get("/api/exchange/forms/reports")

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert kube_listed(response.content) == [melati.code]


def test_the_api_explains_why_there_is_no_form(officer_without_region: User, melati: Group) -> None:
    response = api_client(officer_without_region).get("/api/exchange/forms/visits")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "no KUBE" in response.json()["error"]["message"]


def test_the_api_refuses_unknown_forms_roles_and_strangers(auditor: User, companion_user: User, melati: Group) -> None:
    assert api_client(companion_user).get("/api/exchange/forms/families").status_code == 400
    assert api_client(auditor).get("/api/exchange/forms/visits").status_code == 403
    assert Client().get("/api/exchange/forms/visits").status_code == 401


def test_the_api_survey_form_is_scoped_like_the_page(companion_user: User, admin: User, study: Study) -> None:
    other = make_study(treatment=1, control=1, instrument=make_instrument("LAIN"))

    mine = api_client(companion_user).get(f"/api/exchange/forms/instrument/{study.instrument_id}")
    theirs = api_client(companion_user).get(f"/api/exchange/forms/instrument/{other.instrument_id}")
    one_study = api_client(admin).get(f"/api/exchange/forms/instrument/{other.instrument_id}", {"study": other.pk})

    assert mine.status_code == 200 and one_study.status_code == 200
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "not_found"


# --- the command ----------------------------------------------------------------------------------------------


def test_the_command_writes_a_users_form(tmp_path: Path, companion_user: User, melati: Group) -> None:
    out = io.StringIO()

    call_command("xlsform", "visits", str(tmp_path / "v.xlsx"), "--user", companion_user.username, stdout=out)

    assert kube_listed((tmp_path / "v.xlsx").read_bytes()) == [melati.code]
    assert "pendamping_visits" in out.getvalue()


def test_the_command_makes_a_study_s_survey_and_validates_it(tmp_path: Path, study: Study) -> None:
    out = io.StringIO()

    call_command("xlsform", "instrument", str(tmp_path / "s.xlsx"), "--study", str(study.pk), "--validate", stdout=out)

    assert "pendamping_instrument_TEST_v1" in out.getvalue()

    assert (tmp_path / "s.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["instrument"], "needs --instrument ID or --study ID"),
        (["instrument", "--study", "x1"], "take a number"),
        (["instrument", "--study", "999999"], "No such study"),
        (["visits", "--user", "nobody"], "No active user nobody"),
        (["reports", "--user", "{auditor}"], "Your role may not do this"),
    ],
)
def test_the_command_says_what_is_wrong(
    args: list[str], message: str, tmp_path: Path, auditor: User, melati: Group
) -> None:
    form, *rest = (arg.format(auditor=auditor.username) for arg in args)

    with pytest.raises(CommandError, match=message):
        call_command("xlsform", form, str(tmp_path / "x.xlsx"), *rest)
    assert not (tmp_path / "x.xlsx").exists()
