"""Families (KBS) over the API: the same selectors, services, scope and masking as the pages."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.permissions import can
from pendamping.audit.services import audit_record
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import (
    ERRORS,
    MAX_ID,
    ApiRequest,
    IdPath,
    Input,
    Money,
    Paged,
    PageQuery,
    build,
    fields_as,
    json_page,
    ninja_time,
)
from pendamping.core.nik import mask_number
from pendamping.regions.selectors import region_lookup
from pendamping.registry.selectors import RegistryFilters, family_count, family_get, family_list
from pendamping.registry.services import family_create, family_delete, family_update

router = Router(tags=["families"])

FamilyStatus = Literal["active", "graduated", "moved", "deceased", "inactive"]


FAMILY_ORDER: OrderKeys = {
    "name": "head_name",
    "status": "status",
    "regency": "regency_id",
    "household_size": "household_size",
    "monthly_income": "monthly_income",
    "welfare_decile": "welfare_decile",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "id": "pk",
}


class FamilyQuery(PageQuery):
    q: str = Field("", description="Head's name, or the first 6+ digits of a NIK or KK number")
    regency: str = Field("", description="Kemendagri code, e.g. 35.78")
    kecamatan: str = Field("", description="e.g. 35.78.01")
    desa: str = Field("", description="e.g. 35.78.01.1001")
    status: FamilyStatus | Literal[""] = ""
    ordering: str | None = ordering_field(FAMILY_ORDER, default="regency,name")


class FamilyIn(Input):
    nik: str = Field(max_length=32, description="Head's NIK, 16 digits as text; sex and birth date come from it")
    kk_number: str = Field(max_length=32, description="KK number, 16 digits as text")
    head_name: str = Field(max_length=120)
    desa_code: str = Field(max_length=20, description="Desa/kelurahan code, e.g. 35.78.01.1001")
    address: str = Field("", max_length=200)
    rt: str = Field("", max_length=3)
    rw: str = Field("", max_length=3)
    household_size: int = Field(1, ge=1, le=99)
    monthly_income: Money = 0
    dtks_id: str = Field("", max_length=40)
    welfare_decile: int | None = Field(None, ge=1, le=10)
    decile_as_of: dt.date | None = None
    status: FamilyStatus = "active"

    nullable = frozenset({"welfare_decile", "decile_as_of"})


class FamilyPatch(Input):
    """Send only what changes, with the `version` you read: a record changed since gets a 409.
    The NIK (and so sex and birth date) cannot be changed."""

    version: int = Field(ge=1, le=MAX_ID)
    kk_number: str | None = Field(None, max_length=32)
    head_name: str | None = Field(None, max_length=120)
    desa_code: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    rt: str | None = Field(None, max_length=3)
    rw: str | None = Field(None, max_length=3)
    household_size: int | None = Field(None, ge=1, le=99)
    monthly_income: Money | None = None
    dtks_id: str | None = Field(None, max_length=40)
    welfare_decile: int | None = Field(None, ge=1, le=10)
    decile_as_of: dt.date | None = None
    status: FamilyStatus | None = None

    nullable = frozenset({"welfare_decile", "decile_as_of"})


class FamilyOut(Schema):
    id: int
    nik: str = Field(
        description="Masked (the first 4 and the last 4 digits, 8 asterisks between) except on the detail endpoint "
        "for admins and officers"
    )
    kk_number: str = Field(description="Masked like the NIK")
    head_name: str
    sex: str
    birth_date: dt.date
    address: str
    rt: str
    rw: str
    desa_code: str
    desa_name: str
    kecamatan_code: str
    kecamatan_name: str
    regency_code: str
    regency_name: str
    household_size: int
    monthly_income: int
    dtks_id: str
    welfare_decile: int | None
    decile_as_of: dt.date | None
    status: str
    version: int
    updated_at: dt.datetime


def family_out(family: Any, *, reveal: bool = False) -> FamilyOut:
    """Masked unless `reveal`; the caller that reveals records it in the audit trail."""
    return build(
        FamilyOut,
        family,
        nik=family.nik if reveal else family.nik_masked,
        kk_number=family.kk_number if reveal else family.kk_masked,
        desa_code=family.desa_id,
        desa_name=family.desa.name,
        kecamatan_code=family.desa.parent_id,
        kecamatan_name=family.desa.parent.name,
        regency_code=family.regency_id,
        regency_name=family.regency.name,
    )


# The list reads plain values, not model rows (core.api_support.json_page): the busiest endpoint of the API. The
# names of a family's desa, kecamatan and regency come from the process's copy of the regions (regions.selectors.
# region_lookup), not from three joins of the region table on every request.
REGION_FIELDS = ("desa_code", "desa_name", "kecamatan_code", "kecamatan_name", "regency_code", "regency_name")
_OWN_FIELDS = tuple(name for name in FamilyOut.model_fields if name not in REGION_FIELDS)
LIST_COLUMNS = (*_OWN_FIELDS, "desa_id", "regency_id")


def family_rows(page: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """FamilyOut's fields from LIST_COLUMNS, NIK and KK masked (test_api_fast_list.py compares with family_out)."""
    regions = region_lookup.of({code for values in page for code in values[-2:]})
    rows = []
    for values in page:
        out = dict(zip(_OWN_FIELDS, values, strict=False))  # the last two columns are the region codes
        desa, regency = values[-2:]
        kecamatan = regions[desa][1]
        out["nik"], out["kk_number"] = mask_number(out["nik"]), mask_number(out["kk_number"])
        out["updated_at"] = ninja_time(out["updated_at"])
        out |= {"desa_code": desa, "desa_name": regions[desa][0], "kecamatan_code": kecamatan}
        out |= {"kecamatan_name": regions[kecamatan][0], "regency_code": regency, "regency_name": regions[regency][0]}
        rows.append(out)
    return rows


@router.get("/families", response={200: Paged[FamilyOut], **ERRORS}, summary="List families (NIK/KK masked)")
def family_index(request: ApiRequest, query: Query[FamilyQuery]) -> Any:
    filters = RegistryFilters(
        q=query.q, regency=query.regency, kecamatan=query.kecamatan, desa=query.desa, status=query.status
    )
    qs = ordered(family_list(user=request.auth, filters=filters), query.ordering, allowed=FAMILY_ORDER)
    count = family_count(user=request.auth, filters=filters)
    return json_page(qs, query, columns=LIST_COLUMNS, rows=family_rows, count=count)


@router.get("/families/{family_id}", response={200: FamilyOut, **ERRORS}, summary="One family")
def family_detail(request: ApiRequest, family_id: IdPath) -> Any:
    """Roles that work with the numbers (admin, regency officer) get NIK and KK unmasked; each such view is
    recorded in the audit trail as a "reveal"."""
    family = family_get(user=request.auth, pk=family_id)
    reveal = can(request.auth, "nik.unmasked")
    if reveal:
        audit_record(actor=request.auth, action="reveal", obj=family)
    return family_out(family, reveal=reveal)


@router.post("/families", response={201: FamilyOut, **ERRORS}, summary="Register a family")
def family_new(request: ApiRequest, payload: FamilyIn) -> Any:
    data = payload.model_dump(exclude={"nik", "desa_code"})
    with fields_as(desa="desa_code"):
        family = family_create(actor=request.auth, nik=payload.nik, desa_code=payload.desa_code, **data)
    return Status(201, family_out(family_get(user=request.auth, pk=family.pk)))


@router.patch("/families/{family_id}", response={200: FamilyOut, **ERRORS}, summary="Change a family")
def family_edit(request: ApiRequest, family_id: IdPath, payload: FamilyPatch) -> Any:
    family = family_get(user=request.auth, pk=family_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "desa_code"})
    with fields_as(desa="desa_code"):
        family_update(actor=request.auth, family=family, version=payload.version, desa_code=payload.desa_code, **data)
    return family_out(family_get(user=request.auth, pk=family.pk))


@router.delete("/families/{family_id}", response={204: None, **ERRORS}, summary="Delete a family")
def family_remove(request: ApiRequest, family_id: IdPath) -> Any:
    """Only a family that was never in a KUBE can be deleted; otherwise set its status."""
    family_delete(actor=request.auth, family=family_get(user=request.auth, pk=family_id))
    return Status(204, None)
