"""Small helpers shared by the partnership services."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require_regency
from pendamping.regions.models import Region


def regency(code: Any, *, field: str = "regency") -> Region:
    """The regency (kabupaten/kota) with this code, or a field error naming the code."""
    found = Region.objects.filter(code=str(code or "").strip(), level=Region.Level.REGENCY).first()
    if found is None:
        raise ValidationError({field: _("Unknown regency/city code: %(code)s") % {"code": code}})
    return found


def require_partner_scope(actor: Any, regency_code: str | None, *, field: str = "regency") -> None:
    """A partner of one regency is its officers' to manage; a province-wide one (no regency) is the provincial
    admins' only, because every regency works with it."""
    if regency_code is None:
        if actor is not None and not actor.is_province_admin:
            raise ValidationError(
                {field: _("Only a provincial administrator may manage a province-wide partner; choose a regency.")}
            )
        return
    require_regency(actor, regency_code, field=field)


def pk_of(value: Any) -> Any:
    """A row or its primary key: the pages pass rows, the API passes ids."""
    return getattr(value, "pk", value)


def raise_if(errors: dict[str, Any]) -> None:
    """Report every refused field at once, so a form shows all its mistakes in one round."""
    if errors:
        raise ValidationError(errors)
