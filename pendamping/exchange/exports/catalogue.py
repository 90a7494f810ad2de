"""Every exportable list, by the name its URL uses (/exchange/export/<name>/)."""

from django.http import Http404

from pendamping.exchange.exports import lists_companions, lists_enterprise, lists_office, lists_registry
from pendamping.exchange.exports.spec import ExportSpec

SPECS: dict[str, ExportSpec] = {
    spec.name: spec
    for spec in (
        *lists_registry.SPECS,
        *lists_companions.SPECS,
        *lists_enterprise.SPECS,
        *lists_office.SPECS,
    )
}


def spec_for(name: str) -> ExportSpec:
    """Raises Http404 for a list that has no export."""
    try:
        return SPECS[name]
    except KeyError:
        raise Http404 from None
