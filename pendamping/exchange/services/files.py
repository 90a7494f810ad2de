"""Uploaded files: kept under a server-made name (never a path from the user), hashed, size-limited."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pendamping.exchange.reading import FileProblem


def import_dir() -> Path:
    path = Path(settings.PENDAMPING["IMPORT_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(settings.PENDAMPING.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def display_name(name: str) -> str:
    """What the user called the file, for showing only: no directories, no control characters, not too long."""
    base = re.split(r"[\\/]", str(name))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 119 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else base[:120]
    return base or "upload"


def too_big(size: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than the limit of %(mb)d MB; split it into smaller files.")
        % {"mb": max_bytes() // (1024 * 1024)}
    )


def store(chunks: Iterable[bytes]) -> tuple[str, str, int]:
    """Write the upload under a fresh name; returns (stored name, SHA-256, size). Stops at the size limit."""
    stored = f"{uuid.uuid4().hex}.upload"
    path = import_dir() / stored
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    kept = False
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_big(size)
                digest.update(chunk)
                out.write(chunk)
        kept = True
    finally:
        if not kept:  # too big, or the upload broke off: no partial file stays behind
            path.unlink(missing_ok=True)
    return stored, digest.hexdigest(), size


def stored_path(stored: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.upload", stored):
        raise FileProblem(_("The uploaded file of this import is no longer kept; upload it again."))
    path = import_dir() / stored
    if not path.exists():
        raise FileProblem(_("The uploaded file of this import is no longer kept; upload it again."))
    return path


def discard(stored: str) -> None:
    if re.fullmatch(r"[0-9a-f]{32}\.upload", stored or ""):
        (import_dir() / stored).unlink(missing_ok=True)
