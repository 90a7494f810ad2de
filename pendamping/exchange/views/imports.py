"""Import pages: upload -> the check (a dry run, with progress) -> column mapping and options -> confirm -> done,
with the errors to download and an undo."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.web import require
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found
from pendamping.exchange.forms import ConfigureForm, UploadForm
from pendamping.exchange.queue import enqueue_check, enqueue_run
from pendamping.exchange.selectors import imports as selectors
from pendamping.exchange.services import batches, files, mappings
from pendamping.exchange.views.uploads import LimitedUpload


def _batch(request: HttpRequest, pk: int) -> Any:
    batch = found(selectors.batch_get, user=request.user, pk=pk)  # out of scope: 404 before any other answer
    require(request.user, "import.run")
    return batch


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "import.run")
    batches.batch_reap_stale()
    qs = selectors.batch_list(user=request.user, kind=request.GET.get("kind", ""))
    page = paginate(qs, page=request.GET.get("page"))
    return render(request, "exchange/imports/list.html", {"page": page})


def _mapping_options(user: Any) -> list[tuple[str, str]]:
    return [(str(m.pk), f"{m.get_kind_display()} — {m.name}") for m in selectors.saved_mappings(user=user)]


@login_required
@csrf_exempt
def import_start(request: HttpRequest) -> HttpResponse:
    # The size limit is enforced while the body is read, so the handler must be set before CSRF reads POST.
    handler = LimitedUpload(request, files.max_bytes())
    request.upload_handlers = [handler]
    return _import_start(request, handler)


@csrf_protect
def _import_start(request: HttpRequest, handler: LimitedUpload) -> HttpResponse:
    require(request.user, "import.run")
    form = UploadForm(request.POST or None, request.FILES or None, mappings=_mapping_options(request.user))
    status = 200
    if request.method == "POST" and handler.too_big:
        form.add_error("file", files.too_big(handler.received).messages[0])
        status = 413
    elif request.method == "POST" and form.is_valid():
        try:
            batch = _upload(request, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            enqueue_check(batch)
            return redirect("exchange:import_detail", pk=batch.pk)
    context = {"form": form, "max_mb": files.max_bytes() // 2**20}
    return render(request, "exchange/imports/start.html", context, status=status)


def _upload(request: HttpRequest, data: dict[str, Any]) -> Any:
    upload = data["file"]
    saved = None
    if data["mapping"]:
        chosen = selectors.saved_mappings(user=request.user).filter(pk=data["mapping"]).first()
        saved = mappings.mapping_columns(kind=data["kind"], name=chosen.name if chosen else "")
    return batches.batch_upload(
        actor=request.user,
        kind=data["kind"],
        name=upload.name,
        chunks=upload.chunks(),
        mode=data["mode"],
        on_existing=data["on_existing"],
        mapping=saved,
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    batches.batch_reap_stale()
    batch.refresh_from_db()
    context = {"batch": batch, "errors": batch.errors[:200]}
    if batch.status in ("uploaded", "checked", "rejected", "failed"):
        preview = selectors.batch_columns(batch=batch)
        context.update(preview=preview, choices=selectors.field_choices(preview.kind))
        context["form"] = ConfigureForm(initial={"mode": batch.mode, "on_existing": batch.on_existing})
    if request.htmx and request.GET.get("part") == "progress":  # type: ignore[attr-defined]
        response = render(request, "exchange/imports/detail.html#progress", context)
        if batch.status not in ("checking", "running") and batch.phase != "queued":
            response["HX-Refresh"] = "true"  # finished: the whole page changes (errors, mapping, buttons)
        return response
    return render(request, "exchange/imports/detail.html", context)


@login_required
@require_POST
def import_configure(request: HttpRequest, pk: int) -> HttpResponse:
    """New mapping and options, then a fresh check (nothing of the old check is kept)."""
    batch = _batch(request, pk)
    form = ConfigureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a mode and what to do with existing records."))
        return redirect("exchange:import_detail", pk=batch.pk)
    header = [c.header for c in selectors.batch_columns(batch=batch).columns]
    columns = selectors.mapping_from_post(header, request.POST.dict())
    try:
        if form.cleaned_data["save_as"]:
            mappings.mapping_save(
                actor=request.user, kind=batch.kind, name=form.cleaned_data["save_as"], columns=columns
            )
        batches.batch_configure(
            actor=request.user, batch=batch, mode=form.cleaned_data["mode"],
            on_existing=form.cleaned_data["on_existing"], mapping=columns,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:import_detail", pk=batch.pk)
    enqueue_check(batch)
    return redirect("exchange:import_detail", pk=batch.pk)


@login_required
@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.status != "checked":
        messages.error(request, _("Check the file first; the import runs after a check."))
    else:
        enqueue_run(batch)
    return redirect("exchange:import_detail", pk=batch.pk)


@login_required
@require_POST
def import_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        batches.batch_undo(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The import was undone."))
    return redirect("exchange:import_detail", pk=batch.pk)
