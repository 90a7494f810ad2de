"""The user guide in the site (help menu): each role lands on its own page, the pictures and the links between
the pages work, and the Markdown's raw HTML is never passed through."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from pendamping.accounts.models import User
from pendamping.core.guide import GUIDE_DIR, PAGES, guide_page, guide_slug

pytestmark = pytest.mark.django_db

ROLE_PAGES = [
    ("admin", "admin-provinsi"),
    ("surabaya_officer", "petugas-kabupaten"),
    ("auditor", "petugas-kabupaten"),
    ("companion_user", "pendamping"),
    ("evaluator", "evaluator"),
    ("norole", "README"),
]


@pytest.mark.parametrize(("role", "slug"), ROLE_PAGES)
def test_each_role_opens_its_own_page_from_the_help_menu(
    role: str, slug: str, client_for: Callable[..., Client], request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(role))
    home = client.get("/").content.decode()
    assert 'href="/panduan/"' in home  # the help menu's link
    response = client.get("/panduan/")
    assert response.status_code == 200
    assert response.context["slug"] == slug
    first_line = (GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.removeprefix("# ") in response.content.decode()


def test_every_picture_of_the_guide_is_a_static_file_that_exists() -> None:
    for slug in PAGES:
        page = guide_page(slug)
        assert page is not None, slug
        assert "](img/" not in page.html and 'src="img/' not in page.html
        sources = [part.split('"', 1)[0] for part in page.html.split('src="')[1:]]
        assert sources or slug == "evaluator", f"{slug} has no pictures"
        for src in sources:
            assert src.startswith("/static/panduan/img/"), src
            assert finders.find(src.removeprefix("/static/")), f"{slug}: {src} is missing"


def test_links_between_pages_stay_inside_the_site() -> None:
    index = guide_page("README")
    assert index is not None
    for slug in PAGES[1:]:
        assert f'href="?halaman={slug}"' in index.html
    assert '.md"' not in index.html


def test_an_unknown_page_falls_back_to_the_roles_page(admin: User, client_for: Callable[..., Client]) -> None:
    response = client_for(admin).get("/panduan/", {"halaman": "../../config/settings"})
    assert response.status_code == 200 and response.context["slug"] == "admin-provinsi"
    assert guide_slug(asked="evaluator", role="admin") == "evaluator"


def test_raw_html_in_the_markdown_is_shown_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "README.md").write_text("# Judul\n\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.setattr("pendamping.core.guide.GUIDE_DIR", tmp_path)
    page = guide_page("README")
    assert page is not None and "<script>" not in page.html and "&lt;script&gt;" in page.html


def test_a_copy_without_the_guide_says_so(
    admin: User, client_for: Callable[..., Client], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pendamping.core.guide.GUIDE_DIR", tmp_path)
    response = client_for(admin).get("/panduan/")
    assert response.status_code == 404 and b"docs/panduan" in response.content


def test_an_anonymous_visitor_is_sent_to_the_login() -> None:
    response = Client().get("/panduan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
