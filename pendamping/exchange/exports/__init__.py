"""Exports (issue 6, part 2): every list page of Pendamping as CSV or XLSX with the page's own filters, scope and
order, NIK/KK masked by role, formula-like text neutralised; and the pseudonymised research export of a study.

Doors (pages, API) call `list_export` and `research_export`; `SPECS` names every exportable list."""

from pendamping.exchange.exports.catalogue import SPECS, spec_for
from pendamping.exchange.exports.responses import chosen_format, list_export, research_export
from pendamping.exchange.exports.throttle import retry_after

__all__ = ["SPECS", "chosen_format", "list_export", "research_export", "retry_after", "spec_for"]
