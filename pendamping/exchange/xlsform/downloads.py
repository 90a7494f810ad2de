"""What the doors (page, API, command) hand out: a form's XLSX for a user, checked by pyxform before it leaves,
and the list of forms a user may download."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.companions.models import Assignment
from pendamping.evaluation.models import Instrument, Study
from pendamping.evaluation.selectors import instrument_get, study_get, study_list
from pendamping.exchange.xlsform.check import XlsFormInvalid, xlsform_convert
from pendamping.exchange.xlsform.choices import FormUnavailable, regency_code
from pendamping.exchange.xlsform.instruments import instrument_form
from pendamping.exchange.xlsform.reports import reports_form
from pendamping.exchange.xlsform.sheet import XlsForm
from pendamping.exchange.xlsform.visits import visits_form
from pendamping.registry.models import Group

logger = logging.getLogger(__name__)
FORMS = {"visits": visits_form, "reports": reports_form}


@dataclass(frozen=True)
class FormFile:
    file_name: str  # "pendamping_visits.xlsx"
    content: bytes
    form_id: str
    version: str


def _checked(form: XlsForm) -> FormFile:
    """The workbook, converted once by pyxform (without ODK Validate: the tests run that per kind of form), so a
    form that ODK Central would refuse is never handed out."""
    content = form.to_xlsx()
    try:
        xlsform_convert(content)
    except XlsFormInvalid as exc:
        logger.error("XLSForm %s does not convert: %s", form.form_id, exc)
        raise FormUnavailable(_("This form could not be made from the current data; tell the administrator.")) from exc
    return FormFile(f"{form.form_id}.xlsx", content, form.form_id, form.version)


def form_download(*, user: Any, form: str, regency: str = "") -> FormFile:
    """The visits or reports form for `user` (None: the operator, every KUBE); KeyError for another name."""
    build = FORMS[form]
    require(user, "xlsform.download")
    return _checked(build(user=user, regency=regency_code(regency)))


def form_instrument(*, user: Any, pk: Any) -> Instrument:
    """The instrument version `user` sees (Instrument.DoesNotExist otherwise: a 404, whatever the role)."""
    return Instrument.objects.get(pk=pk) if user is None else instrument_get(user=user, pk=pk)


def study_instrument_id(*, user: Any, study_id: Any) -> int:
    """The instrument version of a study `user` sees (Study.DoesNotExist otherwise)."""
    study = Study.objects.get(pk=study_id) if user is None else study_get(user=user, pk=study_id)
    return study.instrument_id


def instrument_download(*, user: Any, version_id: Any, study_id: Any = None) -> FormFile:
    """The survey form of an instrument version, for one study or every open study of it the user sees."""
    instrument = form_instrument(user=user, pk=version_id)  # scope first: out of scope is "not found" for all
    require(user, "xlsform.download")
    return _checked(instrument_form(user=user, instrument=instrument, study_id=study_id))


@dataclass(frozen=True)
class Catalogue:
    kube_for_visits: int
    kube_for_reports: int
    studies: list[Any]  # open studies the user sees, each with its instrument


def form_catalogue(*, user: Any) -> Catalogue:
    """What the forms page offers `user`: how many KUBE each form would list, and the studies to survey."""
    require(user, "xlsform.download")
    groups = Group.objects.visible_to(user)
    current = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    studies = study_list(user=user).exclude(status=Study.Status.CLOSED).select_related("instrument")
    return Catalogue(
        kube_for_visits=groups.filter(Exists(current)).count(),
        kube_for_reports=groups.count(),
        studies=list(studies.order_by("title", "pk")),
    )
