"""Checks every service makes before writing: may this actor do this, on rows in their scope?

`actor=None` means the system itself (seeding, migrations, a command run by the operator)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from pendamping.accounts.models import Role
from pendamping.accounts.permissions import can


def require(actor: Any, action: str) -> None:
    if actor is not None and not can(actor, action):
        raise PermissionDenied(_("Your role may not do this."))


def require_regency(actor: Any, regency_code: str, *, field: str) -> None:
    """A regional user may only write rows of their own regencies; a forged key elsewhere is refused."""
    if actor is None or actor.is_superuser or actor.role == Role.ADMIN:
        return
    if regency_code not in actor.regency_codes:
        raise ValidationError({field: _("This is outside the regencies you work in.")})
