"""Stimulus grants (bantuan stimulan UEP), one row per grant: the KUBE, the budget year, the source and the amount.

A grant is known by its KUBE, year and source. A disbursement (TGL CAIR and NILAI CAIR) may come with a new grant:
it is entered as a tranche *awaiting approval*, which someone other than the importer approves on the grant's
page (the four-eyes rule); later disbursements are entered there, not imported."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.accounts.guards import require, require_regency
from pendamping.exchange import cells
from pendamping.exchange.kinds._common import (
    choice_map,
    convert,
    group_by_code,
    pick,
    remove_created,
    service_errors,
)
from pendamping.exchange.kinds.base import (
    Column,
    Context,
    ImportKind,
    RowInvalid,
    Written,
    changed_fields,
    existing_policy,
)
from pendamping.registry.models import Grant
from pendamping.registry.services import grant_create, grant_update, tranche_delete

TO_ROW = {"group": "group_code", "amount": "amount", "year": "year", "source": "source", "note": "note",
          "disbursed_on": "disbursed_on"}  # fmt: skip
SOURCE_WORDS = {
    "APBN": "apbn", "Dekonsentrasi": "dekon", "APBD Provinsi": "apbd_prov", "APBD Kabupaten/Kota": "apbd_kab",
    "APBN pusat": "apbn", "Kemensos": "apbn", "dekon": "dekon", "APBD prov": "apbd_prov", "APBD I": "apbd_prov",
    "APBD 1": "apbd_prov", "APBD kabupaten": "apbd_kab", "APBD kota": "apbd_kab", "APBD kab": "apbd_kab",
    "APBD kab/kota": "apbd_kab", "APBD II": "apbd_kab", "APBD 2": "apbd_kab",
}  # fmt: skip
SOURCE_CHOICES = ("APBN", "Dekonsentrasi", "APBD Provinsi", "APBD Kabupaten/Kota")
CREATED = ("c", "created")

COLUMNS = (
    Column("group_code", "KODE KUBE", _l("Code of the KUBE that receives the grant (e.g. 3578011001-001)."),
           required=True, aliases=("KODE KELOMPOK", "ID KUBE", "kube code", "group code", "group"),
           example="3578011001-001"),
    Column("year", "TAHUN ANGGARAN", _l("Budget year, e.g. 2025 (not after next year)."), required=True,
           aliases=("TAHUN", "TA", "year", "budget year"), example="2025", width=10),
    Column("source", "SUMBER DANA", _l("Funding source: APBN, Dekonsentrasi, APBD Provinsi or APBD Kabupaten/Kota. "
           "A KUBE has one grant per year and source."), required=True,
           aliases=("SUMBER ANGGARAN", "source", "funding source"), choices=SOURCE_CHOICES, example="APBN", width=20),
    Column("amount", "NILAI BANTUAN", _l("Amount in whole rupiah, e.g. 20.000.000 or Rp 20.000.000,00 (not "
           "'20 juta')."), required=True, aliases=("NILAI", "JUMLAH BANTUAN", "BESAR BANTUAN", "amount"),
           example="20.000.000", width=18),
    Column("note", "KETERANGAN", _l("Note (optional, up to 200 characters)."), aliases=("CATATAN", "note"), width=30),
    Column("disbursed_on", "TGL CAIR", _l("Date of a first disbursement, dd/mm/yyyy (optional, with NILAI CAIR; only "
           "for a new grant). It is entered awaiting approval by another officer."),
           aliases=("TANGGAL CAIR", "TGL PENCAIRAN", "disbursed on"), example="01/03/2025"),
    Column("tranche_amount", "NILAI CAIR", _l("Amount of that disbursement in whole rupiah (optional, with TGL CAIR); "
           "not more than the grant."), aliases=("NILAI PENCAIRAN", "JUMLAH CAIR", "tranche amount"),
           example="10.000.000", width=18),
)  # fmt: skip


@cache
def sources() -> dict[str, str]:
    return choice_map(Grant.Source.choices, SOURCE_WORDS)


class GrantsKind(ImportKind):
    name = "grants"
    title = _l("Grants")
    permission = "grant.change"
    columns = COLUMNS
    key_fields = ("group_code", "year", "source")
    model_label = "registry.grant"

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        row, errors = convert(
            raw,
            {
                "group_code": lambda v: cells.text(v, max_length=20),
                "year": lambda v: cells.integer(v, minimum=2000, maximum=ctx.today.year + 1),
                "source": lambda v: pick(v, sources(), label=_("funding source")),
                "amount": _positive,
                "note": lambda v: cells.text(v, max_length=200),
                "disbursed_on": lambda v: cells.date(v, allow_future=False, today=ctx.today),
                "tranche_amount": _positive,
            },
            required=("group_code", "year", "source", "amount"),
        )
        faulty = {name for name, _message in errors}
        pair = ("disbursed_on", "tranche_amount")
        for name, other in (pair, pair[::-1]):
            if name in row and other not in row and other not in faulty:
                errors.append((other, _("A disbursement needs both its date (TGL CAIR) and its amount (NILAI CAIR).")))
        if "tranche_amount" in row and "amount" in row and row["tranche_amount"] > row["amount"]:
            errors.append(("tranche_amount", _("The disbursement is more than the grant.")))
        if errors:
            raise RowInvalid(errors)
        return row

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        group = group_by_code(ctx, row["group_code"])
        twins = list(Grant.objects.filter(group=group, year=row["year"], source=row["source"])[:2])
        if len(twins) > 1:
            raise RowInvalid.one(
                "", _("KUBE %(code)s has several grants of this source in %(year)s; correct them on the KUBE's page.")
                % {"code": group.code, "year": row["year"]},
            )  # fmt: skip
        if twins:
            return self._existing(twins[0], row, ctx)
        tranches = [(row["tranche_amount"], row["disbursed_on"])] if "disbursed_on" in row else []
        with service_errors(TO_ROW):
            grant = grant_create(
                actor=ctx.actor, group=group, amount=row["amount"], source=row["source"], year=row["year"],
                note=row.get("note", ""), tranches=tranches,
            )  # fmt: skip
        return Written("created", grant, extra=tuple(grant.tranches.all()))

    def _existing(self, grant: Grant, row: dict[str, Any], ctx: Context) -> Written:
        label = _("The %(source)s grant of %(year)s for KUBE %(code)s") % {
            "source": grant.get_source_display(),
            "year": grant.year,
            "code": row["group_code"],
        }
        if existing_policy(ctx, label=label) == "skip":
            return Written("skipped")
        changes = changed_fields(grant, row, ("amount", "note"))
        if not changes:
            return Written("skipped")
        before = {name: getattr(grant, name) for name in changes}
        with service_errors(TO_ROW):
            grant = grant_update(actor=ctx.actor, grant=grant, **changes)
        return Written("updated", grant, before=before)

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        grant = Grant.objects.select_related("group").filter(pk=obj_id).first()
        if grant is None:
            return
        if action in CREATED:
            _remove_grant(actor, grant)
        else:
            grant_update(actor=actor, grant=grant, **(before or {}))


@transaction.atomic
def _remove_grant(actor: Any, grant: Grant) -> None:
    """A grant entered by mistake, with the disbursement that came with it (withdrawn through `tranche_delete`:
    only while awaiting approval, by whoever entered it or an admin). A spending plan or realisation stops it."""
    require(actor, "grant.change")
    require_regency(actor, grant.group.regency_id, field="group")
    for tranche in grant.tranches.all():
        tranche_delete(actor=actor, tranche=tranche)
    remove_created(actor=actor, obj=grant, what=_("The grant %(grant)s") % {"grant": grant})


def _positive(value: Any) -> int:
    amount = cells.rupiah(value)
    if amount <= 0:
        raise cells.CellError(_("The amount must be more than zero."))
    return amount


KIND = GrantsKind()
