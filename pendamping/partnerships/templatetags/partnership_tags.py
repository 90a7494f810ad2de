"""Template filters of the partnership pages."""

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from pendamping.partnerships.forms import scope_choices

register = template.Library()


@register.filter
def scope_labels(agreement: Any) -> str:
    """'capital, training' in the reader's language."""
    labels = dict(scope_choices())
    return ", ".join(labels[name] for name in agreement.scopes())


@register.filter
def agreement_state(agreement: Any, today: dt.date) -> tuple[str, str]:
    """(css class, label) of an agreement on a day: running, not yet started or ended."""
    if agreement.end_on < today:
        return "inactive", _("ended")
    if agreement.start_on > today:
        return "graduated", _("not started")
    return "active", _("running")
