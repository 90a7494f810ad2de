"""The Kemendagri regions over the API: the province, its regencies, kecamatan and desa/kelurahan with their
codes, the keys every other record and spreadsheet uses. Public reference data: not scoped (any signed-in user
reads the whole table), never changed through the API."""

from typing import Annotated, Any, Literal

from ninja import Field, Path, Query, Router, Schema

from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, Paged, PageQuery, build, page_of
from pendamping.regions.selectors_api import region_get, regions_all

router = Router(tags=["regions"])

Level = Literal["provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan"]
CODE = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
Code = Annotated[str, Path(pattern=CODE, max_length=13, description="e.g. 35, 35.78, 35.78.01, 35.78.01.1001")]
ORDER = {"code": "code", "name": "name", "level": "level"}


class RegionQuery(PageQuery):
    level: Level | Literal[""] = ""
    parent: str = Field("", max_length=13, description="The parent's code: a regency's kecamatan, …")
    q: str = Field("", description="Words of the name, or the start of a code")
    ordering: str | None = ordering_field(ORDER, default="code")


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


def region_out(region: Any) -> RegionOut:
    return build(RegionOut, region, parent_code=region.parent_id)


@router.get("/regions", response={200: Paged[RegionOut], **ERRORS}, summary="List regions")
def region_index(request: ApiRequest, query: Query[RegionQuery]) -> Any:
    qs = regions_all(level=query.level, parent=query.parent, q=query.q)
    return page_of(ordered(qs, query.ordering, allowed=ORDER), query, region_out)


@router.get("/regions/{code}", response={200: RegionOut, **ERRORS}, summary="One region")
def region_detail(request: ApiRequest, code: Code) -> Any:
    return region_out(region_get(code=code))
