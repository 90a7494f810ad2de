"""The offline forms (XLSForm): what each holds for whom (only the user's own KUBE and studies), in two languages,
named as the import kinds' fields, and accepted by pyxform and ODK Validate as ODK Central would check them."""

import io
import shutil
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

from pendamping.accounts.models import User
from pendamping.companions.models import Companion
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.evaluation.models import Study
from pendamping.evaluation.services import wave_add
from pendamping.evaluation.tests.factories import make_instrument, make_study
from pendamping.exchange.kinds import get_kind
from pendamping.exchange.xlsform import FormUnavailable, form_download, instrument_download
from pendamping.exchange.xlsform import choices as choice_lists
from pendamping.exchange.xlsform.check import XlsFormInvalid, xlsform_convert
from pendamping.exchange.xlsform.instruments import item_name
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db

# ODK Validate needs Java; where there is none, pyxform's own checks still run (and the test says so in its id).
JAVA = shutil.which("java") is not None
ID, EN = "label::Bahasa Indonesia (id)", "label::English (en)"


def sheets(content: bytes) -> dict[str, list[dict[str, str]]]:
    """Each sheet of an XLSForm as a list of rows by column name."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    out = {}
    for sheet in book.worksheets:
        rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
        out[sheet.title] = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    return out


def listed(content: bytes, list_name: str) -> list[tuple[str, str]]:
    return [(row["name"], row[ID]) for row in sheets(content)["choices"] if row["list_name"] == list_name]


def names(content: bytes) -> list[str]:
    return [row["name"] for row in sheets(content)["survey"] if row["name"]]


@pytest.fixture
def ani(companion_user: User) -> Companion:
    return CompanionFactory(user=companion_user, home_desa=village(SURABAYA_VILLAGE), name="Ani Lestari")


@pytest.fixture
def kube(ani: Companion) -> dict[str, Group]:
    """Melati (Ani's), Mawar (Surabaya, no companion), Apel (Malang, with its own companion)."""
    melati = GroupFactory(desa=village(SURABAYA_VILLAGE), name="KUBE Melati")
    AssignmentFactory(group=melati, companion=ani)
    mawar = GroupFactory(desa=village(SURABAYA_VILLAGE), name="KUBE Mawar")
    apel = GroupFactory(desa=village(MALANG_VILLAGE), name="KUBE Apel")
    AssignmentFactory(group=apel)
    return {"melati": melati, "mawar": mawar, "apel": apel}


def test_a_companion_gets_only_the_kube_assigned_to_them(companion_user: User, kube: dict[str, Group]) -> None:
    melati = kube["melati"]
    for form in ("visits", "reports"):
        content = form_download(user=companion_user, form=form).content

        assert listed(content, "kube") == [(melati.code, f"{melati.code} — KUBE Melati")]


def test_an_officer_gets_their_regencys_kube_and_for_visits_those_with_a_companion(
    surabaya_officer: User, kube: dict[str, Group]
) -> None:
    reports = form_download(user=surabaya_officer, form="reports").content
    visits = form_download(user=surabaya_officer, form="visits").content

    assert [code for code, _label in listed(reports, "kube")] == [kube["mawar"].code, kube["melati"].code]
    assert [code for code, _label in listed(visits, "kube")] == [kube["melati"].code]


def test_an_admin_narrows_the_province_to_a_regency(admin: User, kube: dict[str, Group]) -> None:
    whole = form_download(user=admin, form="reports").content
    malang = form_download(user=admin, form="reports", regency="35.07").content
    forged = form_download(user=admin, form="reports", regency="35.07' OR 1=1").content

    assert len(listed(whole, "kube")) == 3
    assert listed(malang, "kube") == [(kube["apel"].code, f"{kube['apel'].code} — KUBE Apel")]
    assert len(listed(forged, "kube")) == 3  # a malformed regency is ignored, never widened


def test_a_regency_outside_the_officers_gives_nothing_rather_than_more(
    surabaya_officer: User, kube: dict[str, Group]
) -> None:
    with pytest.raises(FormUnavailable, match="no KUBE you could report on"):
        form_download(user=surabaya_officer, form="reports", regency="35.07")


def test_without_any_kube_there_is_no_form(officer_without_region: User, kube: dict[str, Group]) -> None:
    with pytest.raises(FormUnavailable, match="no KUBE you could report on"):
        form_download(user=officer_without_region, form="visits")


def test_roles_without_the_permission_get_no_form(auditor: User, evaluator: User, kube: dict[str, Group]) -> None:
    for user in (auditor, evaluator):
        with pytest.raises(PermissionDenied):
            form_download(user=user, form="reports")


def test_a_list_too_long_for_a_phone_asks_for_a_regency(
    admin: User, kube: dict[str, Group], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(choice_lists, "MAX_KUBE", 2)

    with pytest.raises(FormUnavailable, match="choose a regency"):
        form_download(user=admin, form="reports")
    assert len(listed(form_download(user=admin, form="reports", regency="35.78").content, "kube")) == 2


def test_the_version_changes_with_the_choice_list_only(companion_user: User, ani: Companion, kube: dict) -> None:
    first = form_download(user=companion_user, form="visits")
    again = form_download(user=companion_user, form="visits")
    AssignmentFactory(group=kube["mawar"], companion=ani)
    later = form_download(user=companion_user, form="visits")

    assert first.version == again.version != later.version
    assert first.version.isdigit()
    assert sheets(later.content)["settings"][0]["version"] == later.version


def test_the_settings_sheet_names_the_form_and_its_default_language(companion_user: User, kube: dict) -> None:
    settings = sheets(form_download(user=companion_user, form="visits").content)["settings"]

    assert len(settings) == 1
    assert settings[0]["form_id"] == "pendamping_visits"
    assert settings[0]["default_language"] == "Bahasa Indonesia (id)"
    assert settings[0]["form_title"]


def test_questions_carry_labels_in_indonesian_and_english_and_the_rules(companion_user: User, kube: dict) -> None:
    survey = {row["name"]: row for row in sheets(form_download(user=companion_user, form="visits").content)["survey"]}

    visited = survey["visited_on"]
    assert (visited[EN], visited["required"], visited["constraint"]) == ("Date of the visit", "yes", ". <= today()")
    assert visited[ID] and visited["constraint_message::English (en)"] == "A visit cannot be dated in the future."
    assert survey["members_present"]["constraint"].startswith(". >= 0")
    assert survey["follow_up_1_due"]["relevant"] == "${follow_up_1} != ''"
    assert survey["roles"]["type"] == "select_multiple roles"


def test_the_visit_form_asks_the_visits_kinds_fields(companion_user: User, kube: dict) -> None:
    fields = {column.field for column in get_kind("visits").columns}

    asked = names(form_download(user=companion_user, form="visits").content)

    assert set(asked) <= fields
    assert set(get_kind("visits").required()) <= set(asked)


def test_the_report_form_asks_every_column_of_the_reports_kind_in_its_order(surabaya_officer: User, kube: dict) -> None:
    content = form_download(user=surabaya_officer, form="reports").content
    survey = {row["name"]: row for row in sheets(content)["survey"]}

    assert names(content) == [column.field for column in get_kind("reports").columns]
    assert survey["revenue"]["type"] == "integer" and survey["revenue"]["constraint"] == ". >= 0"
    assert survey["period"]["appearance"] == "month-year"
    assert survey["meetings_held"]["constraint"] == ". >= 0 and . <= 31"
    assert survey["iks_collected"].get("required", "") == "" and survey["iks_collected"]["default"] == "0"


def test_a_kube_name_that_looks_like_a_reference_stays_text(companion_user: User, ani: Companion) -> None:
    odd = GroupFactory(desa=village(SURABAYA_VILLAGE), name="KUBE ${group_code} =1+1")
    AssignmentFactory(group=odd, companion=ani)

    content = form_download(user=companion_user, form="visits").content

    assert listed(content, "kube") == [(odd.code, f"{odd.code} — KUBE $ {{group_code}} =1+1")]
    xlsform_convert(content)  # still converts


# --- survey instruments ---------------------------------------------------------------------------------------


@pytest.fixture
def study(surabaya_officer: User) -> Study:
    study = make_study(treatment=1, control=1)
    study.evaluators.create(user=surabaya_officer)
    return study


def test_an_instrument_form_asks_each_item_with_its_own_options(surabaya_officer: User, study: Study) -> None:
    content = instrument_download(user=surabaya_officer, version_id=study.instrument_id).content
    survey = sheets(content)["survey"]

    assert names(content)[:4] == ["study", "respondent", "arm", "wave"]
    assert [row["name"] for row in survey if row["type"].startswith("select_one options")] == ["A1.1", "A1.2", "A2.1"]
    assert [row["type"] for row in survey if row["type"] in ("begin_group", "end_group")] == [
        "begin_group",
        "end_group",
    ] * 2
    assert listed(content, "options_1") == [("ya", "Ya"), ("tidak", "Tidak")]
    assert listed(content, "studies") == [(str(study.pk), "Studi uji")]
    assert [code for code, _label in listed(content, "arms")] == ["treatment", "control"]
    assert {row["study"] for row in sheets(content)["choices"] if row["list_name"] == "waves"} == {str(study.pk)}


def test_a_shared_scale_is_listed_once(surabaya_officer: User, study: Study) -> None:
    content = instrument_download(user=surabaya_officer, version_id=study.instrument_id).content

    types = [row["type"] for row in sheets(content)["survey"] if row["name"] in ("A1.1", "A1.2", "A2.1")]

    assert types == ["select_one options_1", "select_one options_2", "select_one options_3"]
    assert len(listed(content, "options_3")) == 5


def test_an_instrument_offers_each_study_its_own_waves(admin: User, study: Study) -> None:
    other = make_study(treatment=1, control=1, instrument=study.instrument)
    wave_add(actor=None, study=other, code="follow", label="Tindak lanjut")

    content = instrument_download(user=admin, version_id=study.instrument_id).content
    waves = [(row["name"], row["study"]) for row in sheets(content)["choices"] if row["list_name"] == "waves"]
    one = instrument_download(user=admin, version_id=study.instrument_id, study_id=other.pk).content

    assert ("follow", str(other.pk)) in waves and ("follow", str(study.pk)) not in waves
    assert sheets(content)["settings"][0]["allow_choice_duplicates"] == "yes"
    assert listed(one, "studies") == [(str(other.pk), "Studi uji")]
    assert {row["default"] for row in sheets(one)["survey"] if row["name"] == "study"} == {str(other.pk)}


def test_an_instrument_outside_the_users_studies_is_not_found(surabaya_officer: User, companion_user: User) -> None:
    unseen = make_study(treatment=1, control=1, instrument=make_instrument("LAIN"))

    for user in (surabaya_officer, companion_user):
        with pytest.raises(ObjectDoesNotExist):
            instrument_download(user=user, version_id=unseen.instrument_id)


def test_a_closed_study_has_no_form(admin: User, study: Study) -> None:
    Study.objects.filter(pk=study.pk).update(status=Study.Status.CLOSED)

    with pytest.raises(FormUnavailable, match="No open study"):
        instrument_download(user=admin, version_id=study.instrument_id)


@pytest.mark.parametrize(
    ("code", "name"),
    [("A1.1", "A1.1"), ("q-2", "q-2"), ("1a", "q_1a"), ("wave", "q_wave"), ("Study", "q_Study"), ("xml1", "q_xml1")],
)
def test_an_item_code_becomes_a_valid_form_name(code: str, name: str) -> None:
    assert item_name(code) == name


# --- ODK Validate, once per kind of form ----------------------------------------------------------------------


def _form(which: str, users: dict[str, Any], study: Study) -> bytes:
    if which == "instrument":
        return instrument_download(user=users["admin"], version_id=study.instrument_id).content
    return form_download(user=users["companion_user"], form=which).content


@pytest.mark.parametrize(
    "which", ["visits", "reports", "instrument"], ids=lambda w: f"{w}-{'odk' if JAVA else 'pyxform'}"
)
def test_every_form_passes_odk_validate(
    which: str, admin: User, companion_user: User, kube: dict, study: Study
) -> None:
    content = _form(which, {"admin": admin, "companion_user": companion_user}, study)

    xform = xlsform_convert(content, validate=JAVA)

    assert "<h:title>" in xform and 'lang="English (en)"' in xform


def test_a_broken_form_is_reported_not_crashed() -> None:
    with pytest.raises(XlsFormInvalid):
        xlsform_convert(b"PK not a workbook")


def test_the_dates_of_a_visit_form_are_today_by_default(companion_user: User, kube: dict) -> None:
    survey = {row["name"]: row for row in sheets(form_download(user=companion_user, form="visits").content)["survey"]}

    assert survey["visited_on"]["default"] == "today()"  # the phone fills in its own date
