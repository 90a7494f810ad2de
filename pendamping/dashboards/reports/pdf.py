"""A report as a PDF (fpdf2, pure Python, fonts bundled): the headline numbers, each section's figures, the
charts with their numbers, the child areas, who needs coaching and which KUBE have not reported."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from pendamping.core.pdf import Document
from pendamping.dashboards.indicators.base import Figure
from pendamping.dashboards.indicators.evaluation import evaluation_header, superiority_note
from pendamping.dashboards.reports.content import ReportContent
from pendamping.dashboards.templatetags.dashboards import amount, signed

MISSING_ROWS = 2_000  # the PDF lists this many; the workbook lists every one


def _pairs(figures: list[Figure]) -> list[tuple[str, str]]:
    return [(f.label, amount(f.value, f.unit)) for f in figures]


def _table(doc: Document, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    if rows:
        doc.table(header, rows)
    else:
        doc.paragraph(_("Nothing to list."))


def _chart(doc: Document, content: ReportContent, key: str) -> None:
    if (chart := content.charts.get(key)) is not None:
        doc.chart(chart)


def _headline(doc: Document, content: ReportContent) -> None:
    c = content.board.companions
    doc.heading(_("Companions performing well"))
    doc.key_figures([
        (c.headline.label, amount(c.headline.value, "%")),
        (_("Baseline"), amount(c.baseline, "%")),
        (c.appraised.label, amount(c.appraised.value)),
        (_("Quarter"), c.quarter_label),
    ])  # fmt: skip
    _chart(doc, content, "trend")
    doc.key_figures(_pairs(c.by_status))
    doc.heading(_("Recruitment, briefing and internship in the period"), 2)
    doc.key_figures(_pairs(c.pipeline))


def _groups(doc: Document, content: ReportContent) -> None:
    g = content.board.groups
    doc.heading(_("KUBE"))
    doc.key_figures(_pairs([*g.by_status, g.outstanding, g.graduated, *g.by_level]))
    t = g.timeliness
    doc.heading(_("Monthly reports of %(month)s") % {"month": f"{t.month:%m/%Y}"}, 2)
    doc.key_figures(_pairs([t.on_time, t.late, t.missing]))
    _chart(doc, content, "timeliness")


def _money(doc: Document, content: ReportContent) -> None:
    m = content.board.money
    doc.heading(_("Grants and IKS"))
    doc.key_figures(_pairs([m.disbursed, m.realised, m.unspent, m.iks_collected, m.iks_used, m.iks_balance]))
    rows = [
        [str(r.year), r.source, amount(r.granted), amount(r.disbursed), amount(r.realised), amount(r.unspent)]
        for r in m.grants
    ]
    _table(
        doc, [_("Year"), _("Funding source"), _("Granted"), _("Disbursed"), _("Realised"), _("Not yet realised")], rows
    )
    _chart(doc, content, "grants")


def _families(doc: Document, content: ReportContent) -> None:
    f, p = content.board.families, content.board.partners
    doc.heading(_("Partnerships"))
    doc.key_figures(_pairs([p.coverage, p.covered, *p.by_type]))
    doc.heading(_("Families"))
    doc.key_figures([*_pairs([f.families, f.followed, f.moved_up, f.moved_down]),
                     (f.median_change.label, signed(f.median_change.value, "Rp"))])  # fmt: skip
    _chart(doc, content, "income")
    _table(doc, [_("Welfare decile shift"), _("Families")], [[signed(s), amount(n)] for s, n in f.decile_shifts])


def _children(doc: Document, content: ReportContent) -> None:
    if not content.board.children:
        return
    doc.heading(_("By area"))
    header = [
        _("Area"),
        _("Families"),
        _("Active KUBE"),
        _("With a partner"),
        _("On time"),
        _("Late"),
        _("Missing"),
        _("Performing well"),
    ]
    rows = [
        [c.name, amount(c.families), amount(c.active_groups), amount(c.covered, "%"), amount(c.on_time),
         amount(c.late), amount(c.missing), amount(c.performing_well, "%")]
        for c in content.board.children
    ]  # fmt: skip
    doc.table(header, rows)


def _dec(value: float | None, places: int) -> str:
    return "–" if value is None else number_format(value, decimal_pos=places)


def _evaluation(doc: Document, content: ReportContent) -> None:
    if (e := content.board.evaluation) is None:  # a regency's report, or a reader who may read no study
        return
    doc.heading(_("Latest evaluation study"))
    doc.paragraph(e.study)
    header = evaluation_header()
    rows = [
        [a.title, a.verdict, _dec(a.did, 1), _dec(a.ci_low, 1), _dec(a.ci_high, 1), _dec(a.superiority, 2),
         _dec(a.p_adjusted, 4)]
        for a in e.aspects
    ]  # fmt: skip
    _table(doc, header, rows)
    doc.paragraph(f"{_('Effect size (A)')}: {superiority_note()}")


def _lists(doc: Document, content: ReportContent) -> None:
    doc.heading(
        _("Companions needing coaching") + (f" ({content.coaching_quarter})" if content.coaching_quarter else "")
    )
    rows = [[c.name, c.regency, c.score, c.reasons] for c in content.coaching]
    _table(doc, [_("Companion"), _("Regency / city"), _("Score"), _("What pulls the score down")], rows)
    total = content.missing.count()
    doc.heading(_("KUBE with a missing monthly report (%(n)s)") % {"n": amount(total)})
    missing = [[g.code, g.name, g.desa.name, g.regency.name] for g in content.missing[:MISSING_ROWS]]
    _table(doc, [_("KUBE code"), _("KUBE"), _("Village"), _("Regency / city")], missing)
    if total > MISSING_ROWS:
        doc.paragraph(
            _("The first %(shown)s are listed; the XLSX report lists all of them.") % {"shown": amount(MISSING_ROWS)}
        )


def report_pdf(content: ReportContent) -> bytes:
    made = date_format(timezone.localtime(content.made_at), "DATETIME_FORMAT")
    doc = Document(title=content.title, subtitle=_("Made on %(when)s by Pendamping") % {"when": made})
    for part in (_headline, _groups, _money, _families, _evaluation, _children, _lists):
        part(doc, content)
    return doc.output()
