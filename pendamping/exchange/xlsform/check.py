"""An XLSForm's conversion to an XForm by pyxform, as ODK Central and KoboToolbox will do it on upload.

`validate=True` also runs ODK Validate (the Java program bundled with pyxform), which catches XPath errors pyxform
lets through; it takes about a second, so the pages only convert, and the tests validate each kind of form."""

from __future__ import annotations

import logging

from pyxform.errors import PyXFormError
from pyxform.validators.odk_validate import ODKValidateError
from pyxform.xls2xform import convert

logger = logging.getLogger(__name__)


class XlsFormInvalid(Exception):
    """pyxform (or ODK Validate) refused the form; the message is theirs."""


def xlsform_convert(content: bytes, *, validate: bool = False) -> str:
    """The XForm XML of an XLSForm workbook, or XlsFormInvalid naming what pyxform refused."""
    warnings: list[str] = []
    try:
        result = convert(xlsform=content, validate=validate, warnings=warnings, file_type=".xlsx")
    except (PyXFormError, ODKValidateError) as exc:
        raise XlsFormInvalid(str(exc)) from exc
    for warning in warnings:
        logger.info("XLSForm warning: %s", warning)
    return result.xform
