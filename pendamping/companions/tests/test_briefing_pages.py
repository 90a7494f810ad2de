"""The briefing pages through the test client: who sees which batch, the forms and their refusals, attendance and
scores entry, finishing, the printable report and its XLSX, and the panel on the companion page."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pendamping.companions.models import Attendance, Briefing, BudgetLine, Companion, Participant, Session
from pendamping.companions.services.briefing import attendance_record, budget_line_add, scores_record
from pendamping.companions.tests.briefing_factories import (
    JUL1,
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


@pytest.fixture
def admin_client(client_for: Callable[..., Client], admin: Any) -> Client:
    return client_for(admin)


@pytest.fixture
def briefing() -> Briefing:
    """Ani and Budi of Surabaya and Eko of Malang; two 2-hour sessions of a 4-hour module; Ani and Eko scored."""
    b = batch()
    mod = module(b, "Peran pendamping", 4)
    first = session(b, mod, instructors=[instructor()])
    session(b, mod, on=JUL2, method="role_play")
    ani, budi, eko = join(b, person("Ani Lestari"), person("Budi Santoso", status="active"), malang("Eko Prasetyo"))
    attendance_record(actor=None, session=first, present=[ani.pk, eko.pk])
    scores_record(
        actor=None, briefing=b, scores={ani.pk: {"pre_score": 40, "post_score": 70}, eko.pk: {"pre_score": 55}}
    )
    budget_line_add(actor=None, briefing=b, item="Konsumsi", planned="2.000.000", actual="1.950.000")
    b.refresh_from_db()
    return b


def test_each_role_sees_the_batches_with_participants_of_its_regencies(
    briefing: Briefing, client_for: Callable[..., Client], surabaya_officer: Any, malang_officer: Any, auditor: Any
) -> None:
    only_surabaya = batch("Pembekalan Surabaya")
    join(only_surabaya, person("Citra"))
    for user, titles in (
        (surabaya_officer, {"Pembekalan Angkatan I", "Pembekalan Surabaya"}),
        (auditor, {"Pembekalan Angkatan I", "Pembekalan Surabaya"}),
        (malang_officer, {"Pembekalan Angkatan I"}),
    ):
        page = client_for(user).get(url("briefing_list")).content.decode()
        assert {t for t in ("Pembekalan Angkatan I", "Pembekalan Surabaya") if t in page} == titles
    assert client_for(malang_officer).get(url("briefing_detail", only_surabaya.pk)).status_code == 404


def test_companions_and_roles_without_briefing_rights_are_turned_away(
    briefing: Briefing, client_for: Callable[..., Client], companion_user: Any, evaluator: Any
) -> None:
    for user in (companion_user, evaluator):
        client = client_for(user)
        assert client.get(url("briefing_list")).status_code == 403
        assert client.get(url("briefing_detail", briefing.pk)).status_code == 404


def test_an_officer_sees_the_batch_but_names_only_their_regencys_participants(
    briefing: Briefing, client_for: Callable[..., Client], surabaya_officer: Any
) -> None:
    client = client_for(surabaya_officer)
    for page in (url("briefing_detail", briefing.pk), url("briefing_report", briefing.pk)):
        content = client.get(page).content.decode()
        assert "Ani Lestari" in content and "Budi Santoso" in content and "Eko Prasetyo" not in content
        assert "3 participants" in content  # counted over the whole batch
    assert client.get(url("module_add", briefing.pk)).status_code == 403  # the province plans


def test_the_batch_page_shows_the_seven_elements_and_the_hours_check(briefing: Briefing, admin_client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url("briefing_detail", briefing.pk))
    content = response.content.decode()
    for heading in ("Participants", "Materials", "Methods", "Budget", "Time", "Instructors", "Facilities"):
        assert f"{heading}" in content
    assert "Dr. Sri Rahayu" in content and "role play" in content
    assert "1.950.000" in content or "1,950,000" in content
    assert len(queries) < 60, len(queries)


def test_a_batch_is_created_and_edited_through_its_form(admin_client: Client) -> None:
    data = {"title": "Angkatan III", "starts_on": "2024-09-02", "ends_on": "2024-09-01", "completion_share": "80"}
    response = admin_client.post(url("briefing_create"), data)
    assert response.status_code == 200 and "The last day is before the first day." in response.content.decode()
    assert not Briefing.objects.exists()
    response = admin_client.post(url("briefing_create"), {**data, "ends_on": "2024-09-04", "venue_capacity": "25"})
    created = Briefing.objects.get()
    assert response.status_code == 302 and (created.title, created.venue_capacity) == ("Angkatan III", 25)
    edit = {**data, "ends_on": "2024-09-04", "completion_share": "75", "version": "1"}
    assert admin_client.post(url("briefing_edit", created.pk), edit).status_code == 302
    assert Briefing.objects.get().completion_share == 75


def test_a_session_ending_before_it_starts_is_refused_on_the_form(briefing: Briefing, admin_client: Client) -> None:
    mod = briefing.modules.get()
    data = {"module": mod.pk, "on": "2024-07-03", "starts_at": "10:00", "ends_at": "09:00", "method": "lecture"}
    response = admin_client.post(url("session_add", briefing.pk), data)
    assert "The session must end after it starts." in response.content.decode()
    assert briefing.sessions.count() == 2
    response = admin_client.post(url("session_add", briefing.pk), {**data, "ends_at": "11:30"})
    assert response.status_code == 302 and briefing.sessions.count() == 3


def test_a_double_booked_instructor_is_refused_on_the_form(briefing: Briefing, admin_client: Client) -> None:
    sri, first = briefing.sessions.get(on=JUL1).instructors.get(), briefing.sessions.get(on=JUL2)
    data = {"module": first.module_id, "on": "2024-07-01", "starts_at": "09:00", "ends_at": "11:00",
            "method": "lecture", "instructors": [sri.pk]}  # fmt: skip
    response = admin_client.post(url("session_edit", first.pk), data)
    assert "already teaches" in response.content.decode()
    assert Session.objects.get(pk=first.pk).on == JUL2


def test_plan_rows_are_added_through_their_forms(briefing: Briefing, admin_client: Client) -> None:
    assert admin_client.post(url("module_add", briefing.pk), {"title": "Usaha", "hours": "2,5"}).status_code == 302
    negative = admin_client.post(url("budget_add", briefing.pk), {"item": "Honor", "planned": "-100.000"})
    assert "Amount cannot be negative." in negative.content.decode()
    assert (
        admin_client.post(url("budget_add", briefing.pk), {"item": "Honor", "planned": "Rp 750.000"}).status_code == 302
    )
    assert BudgetLine.objects.filter(item="Honor", planned=750_000).exists()
    assert (
        admin_client.post(url("equipment_add", briefing.pk), {"item": "Proyektor", "quantity": "1"}).status_code == 302
    )
    equipment = briefing.equipment.get()
    admin_client.post(url("equipment_toggle", equipment.pk))
    equipment.refresh_from_db()
    assert equipment.ready
    assert admin_client.post(url("instructor_create"), {"name": "Joko", "institution": "Dinsos"}).status_code == 302
    assert "Joko" in admin_client.get(url("instructor_list")).content.decode()


def test_a_candidate_is_added_and_the_capacity_is_kept(briefing: Briefing, admin_client: Client) -> None:
    citra, dedi = person("Citra"), person("Dedi")
    Briefing.objects.filter(pk=briefing.pk).update(venue_capacity=4)
    form = admin_client.get(url("participant_add", briefing.pk)).content.decode()
    assert "Citra" in form and "Ani Lestari" not in form  # only those not in the batch yet
    assert admin_client.post(url("participant_add", briefing.pk), {"companion": citra.pk}).status_code == 302
    full = admin_client.post(url("participant_add", briefing.pk), {"companion": dedi.pk})
    assert "The venue holds 4 participants" in full.content.decode()
    assert (
        Companion.objects.get(pk=citra.pk).status == "trainee"
        and Companion.objects.get(pk=dedi.pk).status == "candidate"
    )


def test_participants_cannot_be_removed_once_the_batch_runs(briefing: Briefing, admin_client: Client) -> None:
    budi = briefing.participants.get(companion__name="Budi Santoso")
    response = admin_client.post(url("participant_remove", budi.pk), follow=True)
    assert "only be removed while the batch is planned" in response.content.decode()
    assert Participant.objects.filter(pk=budi.pk).exists()


def test_attendance_is_taken_with_checkboxes_and_a_stranger_is_refused(
    briefing: Briefing, admin_client: Client
) -> None:
    second = briefing.sessions.get(on=JUL2)
    page = admin_client.get(url("attendance", second.pk)).content.decode()
    assert page.count('name="present"') == 3 and "Eko Prasetyo" in page
    ids = dict(briefing.participants.values_list("companion__name", "pk"))
    stranger = join(batch("Lain"), person("Orang Lain"))[0]
    refused = admin_client.post(url("attendance", second.pk), {"present": [ids["Ani Lestari"], stranger.pk]})
    assert refused.status_code == 200 and not second.attendance.exists()
    saved = admin_client.post(url("attendance", second.pk), {"present": [ids["Ani Lestari"], ids["Budi Santoso"]]})
    assert saved.status_code == 302
    assert dict(Attendance.objects.filter(session=second).values_list("participant__companion__name", "present")) == {
        "Ani Lestari": True, "Budi Santoso": True, "Eko Prasetyo": False
    }  # fmt: skip


def test_scores_are_entered_in_one_table_and_bad_ones_marked(briefing: Briefing, admin_client: Client) -> None:
    ids = dict(briefing.participants.values_list("companion__name", "pk"))
    ani, budi = ids["Ani Lestari"], ids["Budi Santoso"]
    bad = admin_client.post(url("scores", briefing.pk), {f"pre_{budi}": "120", f"post_{budi}": "80"})
    assert bad.status_code == 200 and "less than or equal to 100" in bad.content.decode()
    assert Participant.objects.get(pk=budi).pre_score is None
    good = {f"pre_{ani}": "40", f"post_{ani}": "72.5", f"pre_{budi}": "50", f"post_{budi}": "65"}
    assert admin_client.post(url("scores", briefing.pk), good).status_code == 302
    assert str(Participant.objects.get(pk=ani).post_score) == "72.50"


def test_finishing_from_the_page_decides_completion(briefing: Briefing, admin_client: Client) -> None:
    for s in briefing.sessions.all():
        attendance_record(actor=None, session=s, present=[briefing.participants.get(companion__name="Ani Lestari").pk])
    response = admin_client.post(url("briefing_finish", briefing.pk), follow=True)
    assert "The batch is finished" in response.content.decode()
    assert dict(Participant.objects.values_list("companion__name", "completed")) == {
        "Ani Lestari": True, "Budi Santoso": False, "Eko Prasetyo": False
    }  # fmt: skip


def test_the_printable_report_has_all_seven_elements_attendance_and_results(
    briefing: Briefing, admin_client: Client
) -> None:
    content = admin_client.get(url("briefing_report", briefing.pk)).content.decode()
    elements = ("1. Participants", "2. Materials", "3. Methods", "4. Budget", "5. Time", "6. Instructors")
    for part in (
        *elements,
        "7. Facilities",
        "Attendance",
        "Results",
        "Mean gain",
        "Wilcoxon signed-rank",
        "@media print",
    ):
        assert part in content, part
    assert "Not testable: 1 participant(s) have both scores" in content  # only Ani has both


def test_the_xlsx_report_holds_the_same(briefing: Briefing, admin_client: Client) -> None:
    response = admin_client.get(url("briefing_report_xlsx", briefing.pk))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["Batch", "Participants", "Materials", "Methods", "Budget", "Time", "Instructors",
                                "Facilities", "Attendance", "Results"]  # fmt: skip
    batch_rows = book.get_sheet_by_name("Batch").to_python()
    assert batch_rows[1][:2] == ["Title", "Pembekalan Angkatan I"]
    budget = book.get_sheet_by_name("Budget").to_python()
    assert budget[1] == ["Konsumsi", 2_000_000, 1_950_000, -50_000] and budget[2][0] == "Total"
    materials = book.get_sheet_by_name("Materials").to_python()
    assert materials[1][:5] == ["Peran pendamping", 4, 4, 0, 2]
    results = {row[0]: row for row in book.get_sheet_by_name("Results").to_python()[1:] if row[0]}
    assert results["Ani Lestari"][1:3] == [2, 50] and results["Ani Lestari"][5:8] == [40, 70, 30]
    attendance = book.get_sheet_by_name("Attendance").to_python()
    assert attendance[0][1:] == ["2024-07-01 08:00", "2024-07-02 08:00"]
    assert ["Eko Prasetyo", "yes", ""] in attendance  # present at the first; the second not recorded yet


def test_a_title_that_looks_like_a_formula_stays_text_in_the_xlsx(admin_client: Client) -> None:
    b = batch('=HYPERLINK("http://x")')
    response = admin_client.get(url("briefing_report_xlsx", b.pk))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("Batch").to_python()
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_the_companion_page_shows_the_batches_they_took_part_in(briefing: Briefing, admin_client: Client) -> None:
    ani = Companion.objects.get(name="Ani Lestari")
    content = admin_client.get(url("companion_detail", ani.pk)).content.decode()
    assert "Briefing (pembekalan)" in content and "Pembekalan Angkatan I" in content and "50.0%" in content
    other = person("Tanpa Pembekalan", status="active")
    assert "Briefing (pembekalan)" not in admin_client.get(url("companion_detail", other.pk)).content.decode()


def test_the_pages_render_in_indonesian_with_rupiah_grouped_by_dots(
    briefing: Briefing, admin_client: Client, settings: Any
) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    for page in ("briefing_detail", "briefing_report"):
        response = admin_client.get(url(page, briefing.pk))
        assert response.status_code == 200 and 'lang="id"' in response.content.decode()
        assert "1.950.000" in response.content.decode()
    assert admin_client.get(url("attendance", briefing.sessions.get(on=JUL1).pk)).status_code == 200
    assert admin_client.get(url("briefing_report_xlsx", briefing.pk)).status_code == 200


def test_plan_rows_are_edited_and_deleted_from_the_batch_page(briefing: Briefing, admin_client: Client) -> None:
    mod, line = briefing.modules.get(), briefing.budget_lines.get()
    edit = admin_client.get(url("module_edit", mod.pk)).content.decode()
    assert 'value="Peran pendamping"' in edit
    assert admin_client.post(url("module_edit", mod.pk), {"title": "Peran", "hours": "4.5"}).status_code == 302
    assert admin_client.get(url("budget_edit", line.pk)).content.decode().count('value="2.000.000"') == 1
    admin_client.post(url("budget_edit", line.pk), {"item": "Konsumsi", "planned": "2.000.000", "actual": ""})
    line.refresh_from_db()
    assert line.actual is None and briefing.modules.get().hours == 4.5
    held, spare = briefing.sessions.get(on=JUL1), briefing.sessions.get(on=JUL2)
    refused = admin_client.post(url("session_delete", held.pk), follow=True)
    assert "Attendance was recorded for this session" in refused.content.decode()
    assert admin_client.post(url("session_delete", spare.pk)).status_code == 302
    assert list(briefing.sessions.values_list("pk", flat=True)) == [held.pk]
    assert "has sessions" in admin_client.post(url("module_delete", mod.pk), follow=True).content.decode()
