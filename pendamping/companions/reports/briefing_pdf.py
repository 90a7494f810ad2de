"""The briefing batch report as a PDF: what the printable page and the workbook hold — the batch, the seven
elements of its plan (participants, materials, methods, budget, time, instructors, facilities), attendance and
the results with the paired tests. Participants are named only as the selectors let the reader see them."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pendamping.companions.models import Briefing, Participant
from pendamping.companions.selectors.briefing_summary import Plan, Results
from pendamping.core.numbers import decimals_for, format_number
from pendamping.core.pdf import Document
from pendamping.core.pdf_tables import MISSING

NONE = MISSING  # what the tables print for no value, so that a row reads the same throughout
GRID_COLUMNS = 12  # sessions per attendance table: more would not fit a portrait page; a long batch gets several
MARKS = {True: "✓", False: "✗", None: "·"}

Grid = Sequence[tuple[Participant, Sequence[bool | None]]]


def _num(value: Decimal | float | int | None, most: int = 2) -> str:
    """A number as the page shows it (floatformat "-2"): 4 rather than 4,00, 2,5 rather than 2,50."""
    if value is None:
        return NONE
    number = value.normalize() if isinstance(value, Decimal) else value
    return format_number(number, decimals_for([number], most))


def _fixed(value: float | None, decimals: int) -> str:
    """A statistic with a fixed number of decimals, as the page prints it (floatformat:2, :3, :4)."""
    return NONE if value is None else format_number(value, decimals)


def _table(doc: Document, header: list[str], rows: Sequence[Sequence[object]], empty: str) -> None:
    if rows:
        doc.table(header, rows)
    else:
        doc.paragraph(empty)


def _batch(doc: Document, plan: Plan, results: Results) -> None:
    b = plan.briefing
    doc.key_figures([
        (_("Participants"), _num(plan.participant_count)),
        (_("Total session hours"), _num(plan.total_hours)),
        (_("Planned (Rp)"), _num(plan.planned_total)),
        (_("Actual (Rp)"), _num(plan.actual_total)),
        (_("Completed"), f"{_num(results.completed)} / {_num(results.participants)}"),
    ])  # fmt: skip
    rows = [
        [_("Title"), b.title],
        [_("First day"), date_format(b.starts_on, "DATE_FORMAT")],
        [_("Last day"), date_format(b.ends_on, "DATE_FORMAT")],
        [_("Status"), b.get_status_display()],
        [_("Venue"), b.venue or NONE],
        [_("Venue capacity"), _num(b.venue_capacity)],
        [_("Attendance needed to complete (percent of hours)"), f"{_num(b.completion_share)}%"],
    ]
    doc.heading(_("Batch"))
    doc.table([_("Item"), _("Value")], rows, align=["L", "L"])


def _participants(doc: Document, plan: Plan, results: Results) -> None:
    doc.heading("1. " + _("Participants"))
    count = plan.participant_count
    text = ngettext("%(counter)s participant", "%(counter)s participants", count) % {"counter": count}
    text += "".join(f" · {label}: {n}" for label, n in plan.by_status) + "."
    if plan.capacity:
        text += " " + _("The venue holds %(c)s.") % {"c": plan.capacity}
    if plan.over_capacity:
        text += " " + _("More participants than the venue holds.")
    doc.paragraph(text)
    rows = [
        [r.participant.companion.name, r.participant.companion.regency.name,
         r.participant.companion.get_status_display()]
        for r in results.rows
    ]  # fmt: skip
    if rows:
        doc.table([_("Name"), _("Regency/city"), _("Status")], rows)


def _materials(doc: Document, plan: Plan) -> None:
    doc.heading("2. " + _("Materials (curriculum)"))
    rows: list[list[object]] = [
        [m.module.title, _num(m.module.hours), _num(m.scheduled), _num(m.difference), m.sessions,
         m.module.goals or NONE]
        for m in plan.modules
    ]  # fmt: skip
    if rows:
        difference = plan.total_hours - plan.planned_hours
        rows.append([_("Total"), _num(plan.planned_hours), _num(plan.total_hours), _num(difference), "", ""])
    header = [_("Module"), _("Planned hours"), _("Scheduled hours"), _("Difference"), _("Sessions"),
              _("Learning goals")]  # fmt: skip
    _table(doc, header, rows, _("No modules yet."))


def _methods(doc: Document, plan: Plan) -> None:
    doc.heading("3. " + _("Methods"))
    rows = [[label, n, _num(hours)] for label, n, hours in plan.methods]
    _table(doc, [_("Method"), _("Sessions"), _("Hours")], rows, _("No sessions yet."))


def _budget(doc: Document, plan: Plan) -> None:
    doc.heading("4. " + _("Budget"))
    rows: list[list[object]] = [[r.line.item, r.line.planned, r.line.actual, r.variance] for r in plan.budget_lines]
    if not rows:
        doc.paragraph(_("No budget lines yet."))
        return
    rows.append([_("Total"), plan.planned_total, plan.actual_total, plan.variance])
    doc.table([_("Item"), _("Planned (Rp)"), _("Actual (Rp)"), _("Variance (Rp)")], rows)
    if n := plan.lines_without_actual:
        doc.paragraph(
            ngettext(
                "%(counter)s line has no actual amount yet; it counts as nothing spent.",
                "%(counter)s lines have no actual amount yet; they count as nothing spent.",
                n,
            )
            % {"counter": n}
        )


def _time(doc: Document, plan: Plan) -> None:
    doc.heading("5. " + _("Time (sessions)"))
    b = plan.briefing
    doc.paragraph(_("%(first)s to %(last)s; %(hours)s hours of sessions in all.") % {
        "first": date_format(b.starts_on, "DATE_FORMAT"), "last": date_format(b.ends_on, "DATE_FORMAT"),
        "hours": _num(plan.total_hours),
    })  # fmt: skip
    rows = [
        [date_format(s.on, "SHORT_DATE_FORMAT"), f"{s.starts_at:%H:%M}–{s.ends_at:%H:%M}", _num(s.hours),
         s.module.title, s.topic or NONE, s.get_method_display(), ", ".join(i.name for i in s.instructors.all())
         or NONE]
        for s in plan.sessions
    ]  # fmt: skip
    header = [_("Date"), _("Time"), _("Hours"), _("Module"), _("Topic"), _("Method"), _("Instructors")]
    _table(doc, header, rows, _("No sessions yet."))


def _instructors(doc: Document, plan: Plan) -> None:
    doc.heading("6. " + _("Instructors"))
    rows = [
        [load.instructor.name, load.instructor.institution or NONE, load.instructor.expertise or NONE,
         len(load.sessions), _num(load.hours)]
        for load in plan.instructors
    ]  # fmt: skip
    header = [_("Name"), _("Institution"), _("Expertise"), _("Sessions"), _("Hours")]
    _table(doc, header, rows, _("No instructor is assigned to a session yet."))
    for c in plan.clashes:
        values = {"name": c.instructor.name, "a": c.session, "b": c.other, "batch": c.other.briefing.title}
        doc.paragraph(_("%(name)s is in two sessions at once: %(a)s and %(b)s (%(batch)s).") % values)


def _facilities(doc: Document, plan: Plan) -> None:
    doc.heading("7. " + _("Facilities"))
    b = plan.briefing
    values = {"v": b.venue or NONE, "c": plan.capacity or NONE, "n": plan.participant_count}
    text = _("Venue: %(v)s; capacity %(c)s for %(n)d participants.") % values
    if plan.over_capacity:
        text += " " + _("More participants than the venue holds.")
    ready = _("%(r)s of %(n)s ready") % {"r": plan.equipment_ready, "n": len(plan.equipment)}
    doc.paragraph(f"{text} {_('Equipment')}: {ready}.")
    rows = [[e.item, e.quantity, _("ready") if e.ready else _("not ready")] for e in plan.equipment]
    if rows:
        doc.table([_("Item"), _("Quantity"), _("Ready")], rows)


def _attendance(doc: Document, plan: Plan, grid: Grid) -> None:
    doc.heading(_("Attendance"))
    if not grid or not plan.sessions:
        doc.paragraph(_("No attendance to show."))
        return
    for start in range(0, len(plan.sessions), GRID_COLUMNS):
        sessions = plan.sessions[start : start + GRID_COLUMNS]
        header = [_("Participant"), *(f"{s.on:%d/%m} {s.starts_at:%H:%M}" for s in sessions)]
        rows = [[p.companion.name, *(MARKS[mark] for mark in marks[start : start + GRID_COLUMNS])] for p, marks in grid]
        doc.table(header, rows, align=["L", *["C"] * len(sessions)])
    doc.paragraph(_("✓ present · ✗ absent · · not recorded"))


def _completion(results: Results, row_meets: bool, completed: bool) -> str:
    if results.finished:
        return _("yes") if completed else _("no")
    return _("on track") if row_meets else _("below the threshold")


def _results(doc: Document, results: Results) -> None:
    doc.heading(_("Results"))
    values = {"share": _num(results.briefing.completion_share), "hours": _num(results.total_hours)}
    text = _("A participant completes the batch with at least %(share)s%% of its %(hours)s hours.") % values
    counts = {"n": results.completed, "total": results.participants}
    done = _("%(n)s of %(total)s completed.") if results.finished else _("So far %(n)s of %(total)s reach it.")
    doc.paragraph(f"{text} {done % counts}")
    rows = [
        [r.participant.companion.name, _num(r.attended), f"{_num(r.share)}%",
         _completion(results, r.meets, r.participant.completed), _num(r.participant.pre_score),
         _num(r.participant.post_score), _num(r.gain)]
        for r in results.rows
    ]  # fmt: skip
    header = [_("Participant"), _("Hours attended"), _("Share"), _("Completed"), _("Pre-test"), _("Post-test"),
              _("Gain")]  # fmt: skip
    if rows:
        doc.table(header, rows)
    _knowledge_test(doc, results)


def _knowledge_test(doc: Document, results: Results) -> None:
    doc.heading(_("Knowledge test: before and after"), 2)
    if results.pairs:
        doc.key_figures([
            (_("Participants with both scores"), _num(results.pairs)),
            (_("Mean pre-test"), _fixed(results.mean_pre, 2)),
            (_("Mean post-test"), _fixed(results.mean_post, 2)),
            (_("Mean gain"), _fixed(results.mean_gain, 2)),
        ])  # fmt: skip
    else:
        doc.paragraph(_("No participant has both scores yet."))
    rows = []
    for test in results.tests:
        if (r := test.result) is None:
            rows.append([test.name, NONE, NONE, test.reason])
            continue
        statistic = _fixed(r.statistic, 3) + (f" (df {_num(r.df)})" if r.df else "")
        rows.append([test.name, statistic, _fixed(r.pvalue, 4), "; ".join([r.method, *r.warnings])])
    doc.table([_("Paired test"), _("Statistic"), _("p-value"), _("Note")], rows, align=["L", "R", "R", "L"])


def briefing_pdf(*, briefing: Briefing, plan: Plan, results: Results, grid: Grid) -> bytes:
    dates = f"{date_format(briefing.starts_on, 'DATE_FORMAT')} – {date_format(briefing.ends_on, 'DATE_FORMAT')}"
    doc = Document(
        title=f"{_('Briefing batch report')}: {briefing.title}", subtitle=f"{dates} · {briefing.get_status_display()}"
    )
    _batch(doc, plan, results)
    _participants(doc, plan, results)
    _materials(doc, plan)
    _methods(doc, plan)
    _budget(doc, plan)
    _time(doc, plan)
    _instructors(doc, plan)
    _facilities(doc, plan)
    _attendance(doc, plan, grid)
    _results(doc, results)
    return doc.output()
