"""Files the import pages hand out: a kind's template, a batch's errors, its rejected rows to fix; saved mappings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.web import require
from pendamping.core.web import found
from pendamping.exchange.kinds import kind_names
from pendamping.exchange.reading import FileProblem
from pendamping.exchange.selectors import imports as selectors
from pendamping.exchange.services import error_files, mappings
from pendamping.exchange.services.templates import template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def _format(request: HttpRequest) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


def _attachment(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    require(request.user, "import.run")
    if kind not in kind_names():
        raise Http404
    return _attachment(template_xlsx(kind), f"template-{kind}", "xlsx")


@login_required
@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The errors, one per line: row, column, value, message."""
    batch = found(selectors.batch_get, user=request.user, pk=pk)
    require(request.user, "import.run")
    fmt = _format(request)
    header, rows = error_files.error_list(batch)
    return _attachment(error_files.render(header, rows, fmt), f"errors-{batch.pk}", fmt)


@login_required
@require_GET
def import_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows that were refused, as they were, with their errors in a last column: fix them and upload again."""
    batch = found(selectors.batch_get, user=request.user, pk=pk)
    require(request.user, "import.run")
    fmt = _format(request)
    try:
        header, rows = error_files.rejected_rows(batch)
    except FileProblem as exc:
        messages.error(request, str(exc))
        return redirect("exchange:import_detail", pk=batch.pk)
    stamp = timezone.localdate().isoformat()
    return _attachment(error_files.render(header, rows, fmt), f"to-fix-{batch.pk}-{stamp}", fmt)


@login_required
@require_GET
def mapping_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "import.mapping")
    return render(request, "exchange/imports/mappings.html", {"mappings": selectors.saved_mappings(user=request.user)})


@login_required
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = found(selectors.mapping_for_change, user=request.user, pk=pk)
    require(request.user, "import.mapping")
    try:
        mappings.mapping_delete(actor=request.user, mapping=mapping)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:mapping_list")
