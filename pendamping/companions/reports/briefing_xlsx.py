"""The briefing batch report as an XLSX workbook: a sheet for the batch, one per element of the plan
(participants, materials, methods, budget, time, instructors, facilities), attendance and results. Numbers and
dates stay numbers and dates; text that a spreadsheet would run as a formula is kept as text."""

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from pendamping.companions.selectors.briefing_summary import Plan, Results

Cell = str | int | float | Decimal | dt.date | bool | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Book:
    def __init__(self, stream: io.BytesIO) -> None:
        self.book = xlsxwriter.Workbook(
            stream, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        self.bold = self.book.add_format({"bold": True, "bg_color": "#EEEEEE"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.whole = self.book.add_format({"num_format": "#,##0"})
        self.decimal = self.book.add_format({"num_format": "0.00"})

    def write(self, sheet: Any, r: int, c: int, value: Cell) -> None:
        if value is None:
            sheet.write_blank(r, c, None)
        elif isinstance(value, bool):
            sheet.write_string(r, c, _("yes") if value else _("no"))
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, int):
            sheet.write_number(r, c, value, self.whole)
        elif isinstance(value, float | Decimal):
            sheet.write_number(r, c, float(value), self.decimal)
        else:
            sheet.write_string(r, c, _text(value))

    def sheet(
        self, name: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], notes: Sequence[str] = ()
    ) -> None:
        sheet = self.book.add_worksheet(name[:31])
        for c, head in enumerate(header):
            sheet.write_string(0, c, _text(head), self.bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                self.write(sheet, r, c, value)
        for k, note in enumerate(notes, start=len(rows) + 2):
            sheet.write_string(k, 0, _text(note))
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, max(len(header) - 1, 1), 16)


def _batch(book: _Book, plan: Plan) -> None:
    b = plan.briefing
    rows: list[list[Cell]] = [
        [_("Title"), b.title],
        [_("First day"), b.starts_on],
        [_("Last day"), b.ends_on],
        [_("Status"), b.get_status_display()],
        [_("Venue"), b.venue],
        [_("Venue capacity"), b.venue_capacity],
        [_("Attendance needed to complete (percent of hours)"), b.completion_share],
        [_("Participants"), plan.participant_count],
        [_("Total session hours"), plan.total_hours],
    ]
    book.sheet(_("Batch"), [_("Item"), _("Value")], rows)


def _participants(book: _Book, plan: Plan, results: Results) -> None:
    rows: list[list[Cell]] = [[label, n, None, None] for label, n in plan.by_status]
    rows += [[r.participant.companion.name, None, r.participant.companion.regency.name, None] for r in results.rows]
    notes = [
        _("Participants: %(n)d; venue capacity: %(c)s.") % {"n": plan.participant_count, "c": plan.capacity or "—"}
    ]
    if plan.over_capacity:
        notes.append(_("More participants than the venue holds."))
    book.sheet(_("Participants"), [_("Status / name"), _("Count"), _("Regency/city"), ""], rows, notes)


def _materials(book: _Book, plan: Plan) -> None:
    rows: list[list[Cell]] = [
        [m.module.title, m.module.hours, m.scheduled, m.difference, m.sessions, m.module.goals] for m in plan.modules
    ]
    rows.append([_("Total"), plan.planned_hours, plan.total_hours, plan.total_hours - plan.planned_hours, None, None])
    header = [
        _("Module"),
        _("Planned hours"),
        _("Scheduled hours"),
        _("Difference"),
        _("Sessions"),
        _("Learning goals"),
    ]
    book.sheet(_("Materials"), header, rows)


def _methods(book: _Book, plan: Plan) -> None:
    rows: list[list[Cell]] = [[label, n, hours] for label, n, hours in plan.methods]
    book.sheet(_("Methods"), [_("Method"), _("Sessions"), _("Hours")], rows)


def _budget(book: _Book, plan: Plan) -> None:
    rows: list[list[Cell]] = [
        [row.line.item, row.line.planned, row.line.actual, row.variance] for row in plan.budget_lines
    ]
    rows.append([_("Total"), plan.planned_total, plan.actual_total, plan.variance])
    book.sheet(_("Budget"), [_("Item"), _("Planned (Rp)"), _("Actual (Rp)"), _("Variance (Rp)")], rows)


def _time(book: _Book, plan: Plan) -> None:
    rows: list[list[Cell]] = [
        [s.on, f"{s.starts_at:%H:%M}", f"{s.ends_at:%H:%M}", s.hours, s.module.title, s.topic,
         s.get_method_display(), ", ".join(i.name for i in s.instructors.all())]
        for s in plan.sessions
    ]  # fmt: skip
    header = [_("Date"), _("Start"), _("End"), _("Hours"), _("Module"), _("Topic"), _("Method"), _("Instructors")]
    book.sheet(_("Time"), header, rows, [_("Total hours: %(h)s") % {"h": plan.total_hours}])


def _instructors(book: _Book, plan: Plan) -> None:
    rows: list[list[Cell]] = [
        [load.instructor.name, load.instructor.institution, load.instructor.expertise, len(load.sessions), load.hours]
        for load in plan.instructors
    ]
    notes = [
        _("Clash: %(name)s in %(a)s and %(b)s") % {"name": c.instructor.name, "a": c.session, "b": c.other}
        for c in plan.clashes
    ]
    header = [_("Name"), _("Institution"), _("Expertise"), _("Sessions"), _("Hours")]
    book.sheet(_("Instructors"), header, rows, notes)


def _facilities(book: _Book, plan: Plan) -> None:
    rows: list[list[Cell]] = [[e.item, e.quantity, e.ready] for e in plan.equipment]
    b = plan.briefing
    values = {"v": b.venue or "—", "c": plan.capacity or "—", "n": plan.participant_count}
    notes = [_("Venue: %(v)s; capacity %(c)s for %(n)d participants.") % values]
    book.sheet(_("Facilities"), [_("Equipment"), _("Quantity"), _("Ready")], rows, notes)


def _attendance(book: _Book, plan: Plan, grid: list[tuple[Any, list[Any]]]) -> None:
    header = [_("Participant"), *[f"{s.on:%Y-%m-%d} {s.starts_at:%H:%M}" for s in plan.sessions]]
    rows: list[list[Cell]] = [
        [p.companion.name, *[None if mark is None else mark for mark in marks]] for p, marks in grid
    ]
    book.sheet(_("Attendance"), header, rows)


def _results(book: _Book, results: Results) -> None:
    rows: list[list[Cell]] = [
        [r.participant.companion.name, r.attended, r.share, r.meets, r.participant.completed,
         r.participant.pre_score, r.participant.post_score, r.gain]
        for r in results.rows
    ]  # fmt: skip
    header = [_("Participant"), _("Hours attended"), _("Share of hours (%)"), _("Meets the threshold"),
              _("Completed"), _("Pre-test"), _("Post-test"), _("Gain")]  # fmt: skip
    notes = [_("Participants with both scores: %(n)d") % {"n": results.pairs}]
    if results.mean_gain is not None:
        notes.append(_("Mean gain: %(g).2f points") % {"g": results.mean_gain})
    for test in results.tests:
        if test.result is None:
            notes.append(f"{test.name}: {test.reason}")
        else:
            notes.append(f"{test.name}: p = {test.result.pvalue:.4f} ({test.result.method})")
    book.sheet(_("Results"), header, rows, notes)


def briefing_workbook(*, plan: Plan, results: Results, grid: list[tuple[Any, list[Any]]]) -> bytes:
    stream = io.BytesIO()
    book = _Book(stream)
    _batch(book, plan)
    _participants(book, plan, results)
    _materials(book, plan)
    _methods(book, plan)
    _budget(book, plan)
    _time(book, plan)
    _instructors(book, plan)
    _facilities(book, plan)
    _attendance(book, plan, grid)
    _results(book, results)
    book.book.close()
    return stream.getvalue()
