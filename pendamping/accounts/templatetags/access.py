"""`{% if user|may:"companion.view" %}`: templates ask the role × action matrix, so a menu never offers a page
the role would be refused."""

from typing import Any

from django import template

from pendamping.accounts.permissions import can

register = template.Library()


@register.filter
def may(user: Any, action: str) -> bool:
    return can(user, action)
