"""The user guide (docs/panduan/, Bahasa Indonesia) shown inside the site, from the help menu.

The guide's Markdown is the one source: the same files read on the repository host and here, with their
screenshots (made by scripts/guide_screenshots, so the pictures never drift from the product). Raw HTML in
the Markdown is not passed through; images are served as static files (settings.STATICFILES_DIRS gives
docs/panduan/img the prefix panduan/img) and links between the pages become links to this page."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from markdown_it import MarkdownIt

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "panduan"
INDEX = "README"
PAGES = (INDEX, "admin-provinsi", "petugas-kabupaten", "pendamping", "evaluator")
BY_ROLE = {"admin": "admin-provinsi", "officer": "petugas-kabupaten", "auditor": "petugas-kabupaten"}
BY_ROLE |= {"companion": "pendamping", "evaluator": "evaluator"}

_IMAGE = re.compile(r"\]\(img/([A-Za-z0-9_.-]+\.png)\)")
_PAGE_LINK = re.compile(r"\]\((" + "|".join(re.escape(page) for page in PAGES) + r")\.md\)")
_RENDER = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    html: str


def guide_slug(*, asked: str, role: str) -> str:
    """The page asked for if it is one of the guide's; else the role's own page; else the index."""
    if asked in PAGES:
        return asked
    return BY_ROLE.get(role, INDEX)


def _link(slug: str) -> str:
    return f"](?halaman={slug})"


def guide_page(slug: str) -> GuidePage | None:
    """The page rendered to HTML, or None when this copy of Pendamping was installed without docs/."""
    path = GUIDE_DIR / f"{slug}.md"
    if slug not in PAGES or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    text = _IMAGE.sub(lambda m: f"]({static('panduan/img/' + m.group(1))})", text)
    text = _PAGE_LINK.sub(lambda m: _link(m.group(1)), text)
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), slug)
    return GuidePage(slug=slug, title=title, html=_RENDER.render(text))
