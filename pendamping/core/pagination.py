"""Pagination shared by pages and API, bounded so a forged ?page_size cannot dump a table."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet


@dataclass
class Page:
    items: list[Any]
    number: int
    num_pages: int
    count: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(
    qs: QuerySet[Any],
    *,
    page: object,
    page_size: object = None,
    max_size: int | None = None,
    columns: tuple[str, ...] = (),
    count: int | None = None,
) -> Page:
    """With `columns`, the items are `qs.values_list(*columns)` tuples; the count is still taken on `qs` itself,
    because a count of the values would keep the joins the related columns need. A `count` given is `qs.count()`
    known from elsewhere (a tally)."""
    limit = max_size or settings.PENDAMPING["API_MAX_PAGE_SIZE"]
    try:
        size = (
            min(max(int(str(page_size)), 1), limit) if page_size not in (None, "") else settings.PENDAMPING["PAGE_SIZE"]
        )
    except ValueError:
        size = settings.PENDAMPING["PAGE_SIZE"]
    paginator = Paginator(qs.values_list(*columns) if columns else qs, size)
    if columns or count is not None:
        # A cached property: once set, the paginator does not compute it again.
        paginator.count = qs.count() if count is None else count
    try:
        p = paginator.page(str(page or 1))
    except PageNotAnInteger:
        p = paginator.page(1)
    except EmptyPage:
        p = paginator.page(paginator.num_pages)
    return Page(
        items=list(p.object_list),
        number=p.number,
        num_pages=paginator.num_pages,
        count=paginator.count,
        page_size=size,
    )
