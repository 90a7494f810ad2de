"""A6 (QUALITY.md): the evaluator, following every link the site shows them from the home page and downloading
every file those pages offer (CSV, XLSX, PDF, JSON), never receives a 16-digit number, a person's name, address
or phone. The people are the scope tests' world (both regencies, a study with a finished analysis the evaluator
is named on); their names carry the bundles' tags."""

import io
import re
from collections import deque
from html import unescape
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from pendamping.companions.models import Companion
from pendamping.core.tests.test_url_scoping import World, world
from pendamping.registry.models import Family

__all__ = ["world"]
pytestmark = pytest.mark.django_db

SIXTEEN_DIGITS = re.compile(r"(?<![\d.])\d{16}(?!\d)")  # not the decimals of a statistic (0.3457785861511603)
LINK = re.compile(r'href="(/[^"#]*)"')
NOT_FOLLOWED = ("/accounts/logout", "/i18n/", "/static/", "/admin/")
MAX_PAGES = 300


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheet" in kind:
        book = CalamineWorkbook.from_filelike(io.BytesIO(body))
        sheets = (book.get_sheet_by_name(name).to_python() for name in book.sheet_names)
        return "\n".join(str(cell) for rows in sheets for row in rows for cell in row)
    return unescape(body.decode(errors="replace"))


def _crawl(client: Client) -> dict[str, str]:
    """Every reachable URL -> its text (pages, and the files their links download)."""
    seen: dict[str, str] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(NOT_FOLLOWED):
            continue
        response = client.get(url)
        seen[url] = _text(response) if response.status_code == 200 else ""
        if "html" in response.get("Content-Type", ""):
            queue.extend(link for link in LINK.findall(seen[url]) if link not in seen)
    return seen


def test_the_evaluator_reaches_nothing_personal_by_following_the_site(world: World) -> None:
    client = Client()
    client.force_login(world.home.evaluator, backend="django.contrib.auth.backends.ModelBackend")
    pages = _crawl(client)
    assert any(f"/evaluation/studies/{world.home.study.pk}/" in url for url in pages), sorted(pages)[:20]
    # People, not things: the bundles' numbers and phone, every family head's name and address, every companion's
    # name (a study's title or an instrument's owner may carry a bundle's tag; they are no one's personal data).
    tags = {world.home.tag, world.away.tag}
    secrets = [secret for secret in world.home.secrets() + world.away.secrets() if secret not in tags]
    for name, address in Family.objects.values_list("head_name", "address"):
        secrets += [name, address] if address else [name]
    secrets += list(Companion.objects.values_list("name", flat=True))
    own_name = world.home.evaluator.username  # "penilai_Xsurabaya", in the menu of every page: their own
    found = {}
    for url, text in pages.items():
        text = text.replace(own_name, "")
        found[url] = sorted({*SIXTEEN_DIGITS.findall(text), *(secret for secret in secrets if secret in text)})
    assert not {url: hits for url, hits in found.items() if hits}
    downloads = [url for url in pages if "download" in url or "report.pdf" in url]
    assert len(pages) >= 10 and any(".xlsx" in url for url in downloads), sorted(pages)
