"""Offline forms (XLSForm) for ODK Collect and KoboCollect: the visit log, the monthly UEP report and the survey
instruments, with choice lists of the downloading user's own KUBE and studies. Their exports come back through
the import kinds (`visits`, `reports`, `responses`), whose field names the forms' questions carry."""

from pendamping.exchange.xlsform.choices import FormUnavailable
from pendamping.exchange.xlsform.downloads import (
    FORMS,
    Catalogue,
    FormFile,
    form_catalogue,
    form_download,
    form_instrument,
    instrument_download,
    study_instrument_id,
)
from pendamping.exchange.xlsform.responses_io import widen_to_long

__all__ = [
    "FORMS",
    "Catalogue",
    "FormFile",
    "FormUnavailable",
    "form_catalogue",
    "form_download",
    "form_instrument",
    "instrument_download",
    "study_instrument_id",
    "widen_to_long",
]
