"""The companion roster (pendamping sosial KUBE), one row per companion, known by NIK.

Sex and birth date come from the NIK, as in the form; a JENIS KELAMIN or TGL LAHIR column is only checked against
it. A new companion starts as a candidate, or as active when already serving (STATUS); later changes of status are
steps of the companion model, never an import."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.accounts.guards import require, require_regency
from pendamping.companions.models import Companion
from pendamping.companions.services import companion_create, companion_update
from pendamping.core.nik import NikError, mask_number, parse_nik
from pendamping.exchange import cells
from pendamping.exchange.kinds._common import (
    Errors,
    choice_map,
    convert,
    pick,
    refuse_outside,
    regency_code,
    remove_created,
    service_errors,
    text_not_number,
    village_code,
)
from pendamping.exchange.kinds.base import Column, Context, ImportKind, RowInvalid, Written, existing_policy

TO_ROW = {"nik": "nik", "name": "name", "education": "education", "phone": "phone", "caseload_limit": "caseload_limit",
          "home_desa": "home_desa_code", "regency": "regency_code", "status": "status"}  # fmt: skip
EDUCATION_WORDS = {"SD": "sd", "SMP": "smp", "SMA": "sma", "D3": "diploma", "S1": "s1", "S2": "s2", "SMK": "sma",
                   "MA": "sma", "SLTA": "sma", "SLTP": "smp", "MTs": "smp", "MI": "sd", "D1": "diploma",
                   "D2": "diploma", "D4": "s1", "sarjana": "s1", "S3": "s2", "magister": "s2",
                   "doktor": "s2"}  # fmt: skip
STATUS_WORDS = {"calon": "candidate", "aktif": "active", "kandidat": "candidate"}
SEXES = {"l": "M", "lakilaki": "M", "pria": "M", "m": "M", "male": "M", "p": "F", "perempuan": "F", "wanita": "F",
         "f": "F", "female": "F"}  # fmt: skip
COMPARED = ("name", "education", "phone", "caseload_limit")
CREATED = ("c", "created")

COLUMNS = (
    Column("nik", "NIK", _l("The companion's NIK: 16 digits typed as TEXT (format the column as Text in Excel)."),
           required=True, aliases=("NIK PENDAMPING", "nik"), example="3578011208900003", width=20),
    Column("name", "NAMA", _l("Full name."), required=True, aliases=("NAMA LENGKAP", "NAMA PENDAMPING", "name"),
           example="Budi Santoso", width=26),
    Column("sex", "JENIS KELAMIN", _l("L/P (optional); checked against the NIK, which decides."),
           aliases=("JK", "sex", "gender"), choices=("L", "P"), width=8),
    Column("birth_date", "TGL LAHIR", _l("dd/mm/yyyy (optional); checked against the NIK, which decides."),
           aliases=("TANGGAL LAHIR", "birth date")),
    Column("education", "PENDIDIKAN", _l("Highest education: SD, SMP, SMA/SMK, D1-D3, S1/D4 or S2/S3."),
           required=True, aliases=("PENDIDIKAN TERAKHIR", "education"), choices=("SD", "SMP", "SMA", "D3", "S1", "S2"),
           example="S1", width=12),
    Column("phone", "NO HP", _l("Mobile number typed as text, 9-15 digits, e.g. 081234567890 (optional)."),
           aliases=("NOMOR HP", "NO. HP", "HP", "NO TELEPON", "TELEPON", "phone"), example="081234567890", width=16),
    Column("home_desa_code", "KODE DESA", _l("Kemendagri code of the village the companion lives in, e.g. "
           "35.78.01.1001 (or 3578011001)."), required=True,
           aliases=("KODE DESA DOMISILI", "KODE DESA/KELURAHAN", "KODE KELURAHAN", "home village code"),
           example="35.78.01.1001"),
    Column("regency_code", "KODE KAB/KOTA", _l("Code of the regency/city the companion serves, e.g. 35.78 (optional: "
           "the regency of the home village if empty)."), aliases=("KODE KABUPATEN", "KODE KOTA", "KODE KAB",
           "regency code", "regency"), example="35.78", width=12),
    Column("status", "STATUS", _l("calon (candidate) or aktif (already serving); calon if empty. Used only when the "
           "companion is new."), aliases=("status",), choices=("calon", "aktif"), example="aktif", width=10),
    Column("caseload_limit", "BATAS KUBE", _l("How many KUBE the companion may accompany at once, 1-30 (10 if empty)."),
           aliases=("BATAS DAMPINGAN", "JUMLAH KUBE MAKSIMAL", "caseload limit"), example="10", width=10),
)  # fmt: skip


@cache
def educations() -> dict[str, str]:
    return choice_map(Companion.Education.choices, EDUCATION_WORDS)


@cache
def statuses() -> dict[str, str]:
    return choice_map([(s, Companion.Status(s).label) for s in ("candidate", "active")], STATUS_WORDS)


def _phone(value: Any) -> str:
    text = text_not_number(value, max_length=20, what=_("The phone number"))
    return text.replace(" ", "").replace("-", "").replace(".", "")


def _agrees(raw: Mapping[str, Any], row: dict[str, Any], ctx: Context) -> Errors:
    """JENIS KELAMIN and TGL LAHIR, when given, must be what the NIK says: a difference is a typo in one of them."""
    try:
        info = parse_nik(row["nik"], today=ctx.today)
    except NikError as exc:
        return [("nik", str(exc))]
    errors: Errors = []
    sex = str(raw.get("sex") or "").strip()
    given = SEXES.get("".join(c for c in sex.casefold() if c.isalpha()))
    if sex and given is None:
        errors.append(("sex", _("Sex must be L or P.")))
    elif sex and given != info.sex:
        errors.append(("sex", _("Sex %(given)s differs from the NIK's; check both.") % {"given": sex}))
    if row.get("birth_date") not in (None, info.birth_date):
        errors.append(("birth_date", _("Birth date %(given)s differs from the NIK's %(nik)s; check both.")
                       % {"given": row["birth_date"].strftime("%d/%m/%Y"),
                          "nik": info.birth_date.strftime("%d/%m/%Y")}))  # fmt: skip
    return errors


class CompanionsKind(ImportKind):
    name = "companions"
    title = _l("Companions")
    permission = "companion.change"
    columns = COLUMNS
    key_fields = ("nik",)
    model_label = "companions.companion"

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        row, errors = convert(
            raw,
            {
                "nik": lambda v: cells.identifier(v, digits=16, label="NIK"),
                "name": lambda v: " ".join(cells.text(v, max_length=120).split()),
                "birth_date": lambda v: cells.date(v, allow_future=False, today=ctx.today),
                "education": lambda v: pick(v, educations(), label=_("education")),
                "phone": _phone,
                "home_desa_code": village_code,
                "regency_code": regency_code,
                "status": lambda v: pick(v, statuses(), label=_("status")),
                "caseload_limit": lambda v: cells.integer(v, minimum=1, maximum=30),
            },
            required=("nik", "name", "education", "home_desa_code"),
        )
        if "nik" in row:
            errors += _agrees(raw, row, ctx)
        row.pop("birth_date", None)
        if errors:
            raise RowInvalid(errors)
        return row

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        existing = Companion.objects.select_related("home_desa").filter(nik=row["nik"]).first()
        if existing is not None:
            return self._existing(existing, row, ctx)
        regency = row.get("regency_code") or row["home_desa_code"][:5]
        field = "regency_code" if "regency_code" in row else "home_desa_code"
        refuse_outside(ctx, regency, field=field, what=_("The regency of service %(code)s") % {"code": regency})
        data = {name: row[name] for name in (*COMPARED, "status") if name in row}
        with service_errors(TO_ROW):
            companion = companion_create(
                actor=ctx.actor, nik=row["nik"], home_desa_code=row["home_desa_code"],
                regency_code=row.get("regency_code"), **data,
            )  # fmt: skip
        return Written("created", companion)

    def _existing(self, companion: Companion, row: dict[str, Any], ctx: Context) -> Written:
        label = _("Companion %(nik)s") % {"nik": mask_number(row["nik"])}
        if existing_policy(ctx, label=label) == "skip":
            return Written("skipped")
        refuse_outside(ctx, companion.regency_id, field="nik", what=label)
        changes = {name: row[name] for name in COMPARED if name in row and getattr(companion, name) != row[name]}
        if row["home_desa_code"] != companion.home_desa_id:
            changes["home_desa_code"] = row["home_desa_code"]
        if row.get("regency_code", companion.regency_id) != companion.regency_id:
            changes["regency_code"] = row["regency_code"]
        if not changes:
            return Written("skipped")
        before = {name: getattr(companion, name) for name in COMPARED if name in changes}
        before |= {"home_desa_code": companion.home_desa_id, "regency_code": companion.regency_id}
        with service_errors(TO_ROW):
            companion = companion_update(actor=ctx.actor, companion=companion, **changes)
        return Written("updated", companion, before=before)

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        companion = Companion.objects.filter(pk=obj_id).first()
        if companion is None:
            return
        if action in CREATED:
            _remove_companion(actor, companion)
        else:
            companion_update(actor=actor, companion=companion, **(before or {}))


@transaction.atomic
def _remove_companion(actor: Any, companion: Companion) -> None:
    """A companion entered by mistake: only while nothing refers to them (no assignment, visit, appraisal, study,
    briefing, internship or application) and no login is linked to the record."""
    require(actor, "companion.change")
    require_regency(actor, companion.regency_id, field="regency")
    what = _("Companion %(name)s") % {"name": companion.name}
    if companion.user_id is not None:
        raise ValidationError(_("%(what)s has a login now; deactivate the companion instead.") % {"what": what})
    remove_created(actor=actor, obj=companion, what=what)


KIND = CompanionsKind()
