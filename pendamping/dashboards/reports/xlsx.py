"""A report as an XLSX workbook: one sheet per table of the report, numbers as numbers (rupiah and counts stay
summable), every indicator with the list page behind it. Text a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from pendamping.dashboards.board import board_figures
from pendamping.dashboards.indicators.evaluation import EvaluationHeadline, evaluation_header
from pendamping.dashboards.reports.content import ReportContent
from pendamping.exchange.exports.cells import neutralise


class _Book:
    def __init__(self, stream: io.BytesIO) -> None:
        options = {"in_memory": True, "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        self.book = xlsxwriter.Workbook(stream, options)
        self.head = self.book.add_format({"bold": True, "bg_color": "#EEEEEE"})
        self.whole = self.book.add_format({"num_format": "#,##0"})
        self.decimal = self.book.add_format({"num_format": "0.0"})

    def cell(self, sheet: Any, r: int, c: int, value: Any) -> None:
        if value is None:
            sheet.write_blank(r, c, None)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            sheet.write_string(r, c, neutralise(str(value)))
        elif isinstance(value, float) and not value.is_integer():
            sheet.write_number(r, c, value, self.decimal)
        else:
            sheet.write_number(r, c, value, self.whole)

    def sheet(self, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        sheet = self.book.add_worksheet(name[:31])
        sheet.set_column(0, len(header) - 1, 18)
        for c, title in enumerate(header):
            sheet.write_string(0, c, title, self.head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                self.cell(sheet, r, c, value)


def _children(content: ReportContent) -> list[list[Any]]:
    return [
        [c.code, c.name, c.families, c.active_groups, c.covered, c.on_time, c.late, c.missing, c.performing_well]
        for c in content.board.children
    ]


def report_xlsx(content: ReportContent) -> bytes:
    stream = io.BytesIO()
    book = _Book(stream)
    b = content.board
    book.sheet(
        _("Indicators"),
        [_("Section"), _("Indicator"), _("Value"), _("Unit"), _("List behind it")],
        ([section, f.label, f.value, f.unit, f.href] for section, f in board_figures(content.board)),
    )
    book.sheet(
        _("Areas"),
        [_("Code"), _("Area"), _("Families"), _("Active KUBE"), _("With a partner (%)"), _("Reports on time"),
         _("late"), _("missing"), _("Performing well (%)")],
        _children(content),
    )  # fmt: skip
    book.sheet(_("Trend"), [_("Quarter"), _("Appraised"), _("Performing well"), _("Share (%)")],
               ([p.label, p.appraised, p.performing_well, p.share] for p in b.companions.trend))  # fmt: skip
    book.sheet(
        _("Grants"),
        [_("Year"), _("Funding source"), _("Granted"), _("Disbursed"), _("Realised"), _("Not yet realised")],
        ([r.year, r.source, r.granted, r.disbursed, r.realised, r.unspent] for r in b.money.grants),
    )
    book.sheet(_("Income change"), [_("Income change since joining"), _("Families")], b.families.distribution)
    book.sheet(_("Decile shift"), [_("Welfare decile shift"), _("Families")], b.families.decile_shifts)
    book.sheet(
        _("Coaching"),
        [_("Companion"), _("Regency / city"), _("Score"), _("What pulls the score down")],
        ([c.name, c.regency, float(c.score) if c.score is not None else None, c.reasons] for c in content.coaching),
    )
    book.sheet(
        _("Missing reports"),
        [_("KUBE code"), _("KUBE"), _("Village"), _("Regency / city")],
        ([g.code, g.name, g.desa.name, g.regency.name] for g in content.missing.iterator(chunk_size=2000)),
    )
    if b.evaluation is not None:  # the province's report: the latest study its reader may read
        book.sheet(_("Evaluation"), [*evaluation_header(), _("Study")], _evaluation_rows(b.evaluation))
    book.book.close()
    return stream.getvalue()


def _evaluation_rows(e: EvaluationHeadline) -> list[list[Any]]:
    return [[a.title, a.verdict, a.did, a.ci_low, a.ci_high, a.superiority, a.p_adjusted, e.study] for a in e.aspects]
