"""Error reports and log lines without personal data (quality row E3).

Django's error mail lists every POST and GET value, the query string and the exception's text; on our forms and
searches those are NIKs, names and addresses. In production (DEBUG off) the report keeps the field names only.
A NIK or KK number (16 digits) in an exception's text, a database error's DETAIL for instance, is masked in the
mail and in every log line."""

import logging
import re
from typing import Any

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
NIK_MASK = "****************"
# Query strings also reach the report through the WSGI environ (gunicorn adds RAW_URI and REQUEST_URI).
URI_KEYS = frozenset({"QUERY_STRING", "RAW_URI", "REQUEST_URI"})


def mask_numbers(text: str) -> str:
    """Every run of exactly 16 digits (a NIK or a KK number) replaced by asterisks."""
    return SIXTEEN_DIGITS.sub(NIK_MASK, text)


class PersonalDataFilter(SafeExceptionReporterFilter):
    """Hides every POST value, the query string and the variables of each frame, not only those marked with
    `sensitive_post_parameters` / `sensitive_variables`: on this site nearly every form carries personal data."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        if self.is_active(request):
            meta.update({key: self.cleansed_substitute for key in URI_KEYS & meta.keys() if meta[key]})
        return meta

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class PersonalDataReporter(ExceptionReporter):
    """The report of `PersonalDataFilter`, plus what Django's reporter shows unfiltered: GET values, file names,
    the full URL, and 16-digit numbers in the exception's text."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is None or not self.filter.is_active(self.request):
            return data
        hidden = self.filter.cleansed_substitute
        data["request_GET_items"] = [(key, hidden) for key in self.request.GET]
        data["request_FILES_items"] = [(key, hidden) for key in self.request.FILES]
        data["request_insecure_uri"] = str(data.get("request_insecure_uri", "")).split("?", 1)[0]
        for key in ("exception_value", "exception_notes"):
            if key in data:
                data[key] = mask_numbers(str(data[key]))
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = mask_numbers(str(frame["exc_cause"]))
        return data


class MaskingFormatter(logging.Formatter):
    """A log line, its traceback included, with 16-digit numbers masked (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_numbers(super().format(record))
