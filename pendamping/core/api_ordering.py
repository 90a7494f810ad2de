"""Ordering of API lists by an allow-list: `?ordering=-year,name` sorts by the keys an endpoint names, never by
an arbitrary field (a free `order_by` would let a client sort by a column it may not read and infer its values,
or by an unindexed expression to load the database). A final tiebreak on the primary key keeps the pages stable:
without it two rows with the same sort value may swap between two page requests, and one row would be shown
twice while another never."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field

M = TypeVar("M", bound=Model)
# An endpoint's allow-list: the key a client sends -> the field (or fields) it sorts by.
OrderKeys = Mapping[str, str | tuple[str, ...]]
MAX_KEYS = 3
# What the OpenAPI schema promises: up to three keys, each an optional "-" and a lowercase name (short enough that
# three fit in the 60 characters a query parameter keeps; see core.api_support.QueryInput).
PATTERN = r"^-?[a-z_]{1,18}(,-?[a-z_]{1,18}){0,2}$"


def ordering_field(allowed: Mapping[str, Any], *, default: str = "") -> Any:
    """The `ordering` query parameter of a list, documented with its allowed keys. In English, like every other
    description of the schema: it is read by programmers, and it must not change with the server's language."""
    keys = sorted(allowed)
    note = f"Sort by up to {MAX_KEYS} of: {', '.join(keys)}; a '-' before a key sorts descending (e.g. '-{keys[0]}')."
    if default:
        note += f" Default: {default}."
    return Field(None, description=note, pattern=PATTERN, max_length=60)


def _targets(key: str, allowed: OrderKeys) -> list[str]:
    descending, name = key.startswith("-"), key.removeprefix("-")
    if name not in allowed:
        message = _("Unknown ordering key '%(key)s'; allowed: %(keys)s.") % {
            "key": name,
            "keys": ", ".join(sorted(allowed)),
        }
        raise ValidationError({"ordering": message})
    fields = allowed[name]
    fields = (fields,) if isinstance(fields, str) else fields
    # A target may itself sort descending ("-year"): a descending key flips it back.
    return [f.removeprefix("-") if descending and f.startswith("-") else f"-{f}" if descending else f for f in fields]


def parse(value: str | None) -> list[str]:
    """'-year, name' -> ['-year', 'name']; more than three keys, or one given twice, is refused (400)."""
    keys = [part.strip() for part in (value or "").split(",") if part.strip()]
    if len(keys) > MAX_KEYS:
        raise ValidationError({"ordering": _("Give at most %(n)d ordering keys.") % {"n": MAX_KEYS}})
    names = [key.removeprefix("-") for key in keys]
    if len(set(names)) != len(names):
        raise ValidationError({"ordering": _("Give each ordering key only once.")})
    return keys


def ordered(
    qs: QuerySet[M],
    value: str | None,
    *,
    allowed: OrderKeys,
    default: tuple[str, ...] = (),
) -> QuerySet[M]:
    """`qs` sorted by the keys in `value` (or `default`, in the same vocabulary), then by primary key. With no
    `value` and no `default` the selector's own order stays (it already ends on the key). An unknown key is a
    400 naming the allowed ones."""
    keys = parse(value) or list(default)
    if not keys:
        return qs
    fields = [field for key in keys for field in _targets(key, allowed)]
    return qs.order_by(*fields, "pk")
