"""schemathesis hooks for scripts/api_fuzz (loaded through SCHEMATHESIS_HOOKS): a check that no response shows
the fuzzing user a row of a regency outside theirs (API_FUZZ_REGENCIES, comma-separated), at any depth."""

import os
import re
from collections.abc import Iterator
from typing import Any

import schemathesis

REGENCY = re.compile(r"^\d{2}\.\d{2}$")
ALLOWED = {code for code in os.environ.get("API_FUZZ_REGENCIES", "").split(",") if code}


def _regencies(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("regency", "regency_code") and isinstance(item, str) and REGENCY.match(item):
                yield item
            else:
                yield from _regencies(item)
    elif isinstance(value, list):
        for item in value:
            yield from _regencies(item)


@schemathesis.check
def no_row_of_another_regency(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 2xx JSON answer names only the user's regencies."""
    if not ALLOWED or not 200 <= response.status_code < 300:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    outside = sorted(set(_regencies(body)) - ALLOWED)
    if outside:
        raise AssertionError(f"the answer shows rows of {outside}, outside {sorted(ALLOWED)}")
    return None
