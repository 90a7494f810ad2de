"""The round trip: a form's questions, as ODK Central and KoboToolbox name them in their exports (group prefixes,
their own metadata columns), map to the import kinds' fields; a Kobo export imports through the engine once, and
again adds nothing (each submission is known by its instance ID)."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
import xlsxwriter
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.models import Companion, Visit
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.evaluation.models import Response
from pendamping.evaluation.tests.factories import make_study
from pendamping.exchange.kinds import get_kind
from pendamping.exchange.mapping import INSTANCE_ID, match_header, resolve
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.reading import Table
from pendamping.exchange.running import Run
from pendamping.exchange.services.batches import batch_run, batch_upload
from pendamping.exchange.services.engine import run_rows
from pendamping.exchange.xlsform.instruments import instrument_form
from pendamping.exchange.xlsform.reports import survey as report_survey
from pendamping.exchange.xlsform.responses_io import item_codes_for, widen_to_long
from pendamping.exchange.xlsform.visits import survey as visit_survey
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, kube_with_members, village

CENTRAL_META = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]  # fmt: skip
KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
             "__version__", "_tags", "_index"]  # fmt: skip
TODAY = timezone.localdate()


def form_fields(kind: str) -> list[str]:
    rows = visit_survey() if kind == "visits" else report_survey()
    return [row["name"] for row in rows]


def central_header(fields: list[str]) -> list[str]:
    """As ODK Central's CSV: submission date first, fields (some inside a group, joined with '-'), then meta."""
    return ["SubmissionDate", *(f"kunjungan-{f}" if i % 2 else f for i, f in enumerate(fields)), *CENTRAL_META]


def kobo_header(fields: list[str], splits: dict[str, list[str]]) -> list[str]:
    """As KoboToolbox's XLSX: start/end, fields inside a group joined with '/', a column per option of a select-
    multiple question, then Kobo's own columns."""
    header = ["start", "end"]
    for f in fields:
        header.append(f"grp/{f}")
        header += [f"grp/{f}/{option}" for option in splits.get(f, [])]
    return header + KOBO_META


@pytest.mark.parametrize("kind", ["visits", "reports"])
@pytest.mark.parametrize("tool", ["central", "kobo"])
def test_every_question_of_a_form_maps_to_its_kinds_field(kind: str, tool: str) -> None:
    fields = form_fields(kind)
    splits = {"roles": ["resource", "motivator"], "topics": ["bookkeeping"]} if kind == "visits" else {}
    header = central_header(fields) if tool == "central" else kobo_header(fields, splits)
    kind_fields = {column.field for column in get_kind(kind).columns}

    matched = {text: match_header(get_kind(kind), text) for text in header}

    questions = [text for text in header if text.split("-")[-1].split("/")[-1] in fields and text.count("/") < 2]
    assert {matched[text] for text in questions} == set(fields) and set(fields) <= kind_fields
    others = [text for text in header if text not in questions]
    assert {matched[text] for text in others} <= {None, INSTANCE_ID}  # metadata and option columns: not fields
    assert INSTANCE_ID in {matched[text] for text in others}


def test_a_kobo_export_resolves_with_its_instance_id() -> None:
    header = kobo_header(form_fields("visits"), {"roles": ["resource"]})

    resolved = resolve(get_kind("visits"), header)

    assert resolved.ok and resolved.fields[INSTANCE_ID] == header.index("_uuid")


def test_an_odk_central_export_resolves_with_its_instance_id() -> None:
    header = central_header(form_fields("visits"))

    resolved = resolve(get_kind("visits"), header)

    assert resolved.ok and resolved.fields[INSTANCE_ID] == header.index("meta-instanceID")


# --- end to end through the import engine ---------------------------------------------------------------------


@pytest.fixture
def melati(companion_user: User) -> Group:
    ani: Companion = CompanionFactory(user=companion_user, home_desa=village(SURABAYA_VILLAGE))
    group = kube_with_members(6, desa=village(SURABAYA_VILLAGE), name="KUBE Melati")
    AssignmentFactory(group=group, companion=ani, started_on=dt.date(2024, 1, 10))
    return group


def kobo_export(group: Group, visits: list[tuple[str, dt.date, float]]) -> bytes:
    """A KoboToolbox XLSX export of the visit form: (uuid, date, members present) per submission; dates as date
    cells and numbers as numbers, as Kobo writes them."""
    fields = form_fields("visits")
    header = kobo_header(fields, {"roles": ["resource", "motivator", "facilitator"]})
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet, day = book.add_worksheet("Kunjungan"), book.add_format({"num_format": "yyyy-mm-dd"})
    for col, text in enumerate(header):
        sheet.write_string(0, col, text)
    for row, (uuid, on, present) in enumerate(visits, start=1):
        values: dict[str, Any] = {"grp/group_code": group.code, "grp/roles": "motivator facilitator",
                                  "grp/roles/motivator": 1, "grp/members_present": present, "_uuid": uuid,
                                  "grp/topics": "bookkeeping", "_id": 1000 + row, "_index": row}  # fmt: skip
        for col, text in enumerate(header):
            if text == "grp/visited_on":
                sheet.write_datetime(row, col, dt.datetime.combine(on, dt.time()), day)
            elif text in values:
                sheet.write(row, col, values[text])
    book.close()
    return buffer.getvalue()


def imported(user: User, content: bytes, name: str) -> ImportBatch:
    batch = batch_upload(actor=user, kind="visits", name=name, chunks=[content])
    batch_run(batch=batch)
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db
def test_a_kobo_export_imports_once_and_again_adds_nothing(companion_user: User, melati: Group) -> None:
    visits = [
        ("c0ffee01-aaaa", TODAY - dt.timedelta(days=9), 5.0),
        ("c0ffee02-bbbb", TODAY - dt.timedelta(days=2), 4.0),
    ]
    content = kobo_export(melati, visits)

    first = imported(companion_user, content, "kunjungan.xlsx")
    second = imported(companion_user, content, "kunjungan.xlsx")

    assert (first.status, first.rows, first.created, first.rejected) == ("done", 2, 2, 0), first.errors
    assert (second.status, second.rows, second.created, second.skipped) == ("done", 2, 0, 2), second.errors
    stored = Visit.objects.order_by("on")
    assert [(v.on, v.members_present, v.roles(), v.topics) for v in stored] == [
        (TODAY - dt.timedelta(days=9), 5, ["motivator", "facilitator"], ["bookkeeping"]),
        (TODAY - dt.timedelta(days=2), 4, ["motivator", "facilitator"], ["bookkeeping"]),
    ]


@pytest.mark.django_db
def test_an_edited_submission_with_a_new_instance_id_is_matched_by_kube_and_day(
    companion_user: User, melati: Group
) -> None:
    """ODK gives an edited submission a new instance ID: the visit it describes is already there, so it is
    skipped (a visit stays as recorded), not stored twice."""
    on = TODAY - dt.timedelta(days=3)
    imported(companion_user, kobo_export(melati, [("first-uuid-1", on, 5.0)]), "a.xlsx")

    edited = imported(companion_user, kobo_export(melati, [("edited-uuid-2", on, 5.0)]), "b.xlsx")

    assert (edited.created, edited.skipped) == (0, 1) and Visit.objects.count() == 1


def central_csv(group: Group, on: dt.date, instance: str) -> bytes:
    fields = form_fields("visits")
    header = central_header(fields)
    values = {"group_code": group.code, "visited_on": on.isoformat(), "roles": "resource", "members_present": "3"}
    row = ["2025-03-01T10:00:00.000Z", *(values.get(f, "") for f in fields)]
    row += [instance, instance, "5", "ani", "0", "0", "", "", "", "0", "v1"]
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    return out.getvalue().encode()


@pytest.mark.django_db
def test_an_odk_central_export_imports_once_and_again_adds_nothing(companion_user: User, melati: Group) -> None:
    content = central_csv(melati, TODAY - dt.timedelta(days=1), "uuid:0d2c1b7e-1111-4f00-9a00-000000000001")

    first = imported(companion_user, content, "kunjungan.csv")
    second = imported(companion_user, content, "kunjungan.csv")

    assert (first.created, second.created, second.skipped) == (1, 0, 1), (first.message, first.errors)


# --- surveys: the wide export, made long, through the responses kind ------------------------------------------


def survey_header(tool: str, fields: list[str], items: dict[str, str]) -> list[str]:
    """A survey form's export header: its fields, then each item inside its aspect's group."""
    sep = "-" if tool == "central" else "/"
    grouped = [f"{aspect}{sep}{name}" for name, aspect in items.items()]
    if tool == "central":
        return ["SubmissionDate", *fields, *grouped, *CENTRAL_META]
    return ["start", "end", *fields, *grouped, *KOBO_META]


@pytest.mark.django_db
@pytest.mark.parametrize("tool", ["central", "kobo"])
def test_a_survey_export_made_long_maps_to_the_responses_kind(tool: str, admin: User) -> None:
    study = make_study(treatment=1, control=1)
    form = instrument_form(user=admin, instrument=study.instrument)
    fields = [row["name"] for row in form.survey if row.get("name") and row["type"] not in ("begin_group",)]
    items = {"A1.1": "aspect_1", "A1.2": "aspect_1", "A2.1": "aspect_2"}
    header = survey_header(tool, [f for f in fields if f not in items], items)

    long_header, _rows = widen_to_long(header, [], item_codes_for(user=admin))
    matched = {match_header(get_kind("responses"), text) for text in long_header}

    assert {column.field for column in get_kind("responses").columns} <= matched
    assert INSTANCE_ID in matched


@pytest.mark.django_db
def test_a_kobo_survey_export_imports_its_answers_through_the_engine(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    respondent = study.respondents.get(arm__code="treatment")
    items = {"A1.1": "aspect_1", "A1.2": "aspect_1", "A2.1": "aspect_2"}
    header = survey_header("kobo", ["study", "respondent", "arm", "wave"], items)
    row = ["", "", float(study.pk), respondent.pseudonym, "treatment", "pre", "ya", "", 4.0, 7.0, "5e1f-uuid"]
    row += [""] * (len(header) - len(row))

    def run() -> Any:
        long_header, long_rows = widen_to_long(header, [(2, row)], item_codes_for(user=admin))
        table = Table("survei.xlsx", "xlsx", None, None, long_header, iter(long_rows))
        kind = get_kind("responses")
        return run_rows(Run(kind=kind, table=table, resolved=resolve(kind, long_header), actor=admin))

    first, again = run(), run()

    assert (first.rows, first.created, first.rejected) == (2, 2, 0), first.errors
    assert (again.created, again.skipped) == (0, 2)
    answers = Response.objects.filter(respondent=respondent).values_list("item__code", "option__code")
    assert sorted(answers) == [("A1.1", "ya"), ("A2.1", "4")]
