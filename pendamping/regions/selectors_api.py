"""Region reads for the API: the Kemendagri table is public reference data, the same for every user."""

from django.db.models import QuerySet

from pendamping.regions.models import Region


def regions_all(*, level: str = "", parent: str = "", q: str = "") -> QuerySet[Region]:
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    q = q.strip()
    if q[:2].isdigit():
        qs = qs.filter(code__startswith=q)
    elif q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("code")


def region_get(*, code: str) -> Region:
    """Raises Region.DoesNotExist for an unknown code (a 404)."""
    return Region.objects.get(code=code)
