"""Scenario B1 of QUALITY.md: script-like names, stored through the forms, the API and an import, are shown as
text on every page that shows them. A dialog opening fails the test (the page guard in conftest.py), and so does
any request leaving 127.0.0.1."""

import csv
import io
import re
from typing import Any
from urllib.parse import quote_plus

from steps import (
    DESA_XSS,
    choose_village,
    errors,
    import_checked,
    import_upload,
    new_kk,
    new_nik,
    register_family,
    settle,
    today,
)

from conftest import PASSWORDS

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
]
PREFIX = "Xss "
ROLES = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"]
IMPORT_HEADER = ["NIK", "NO KK", "NAMA", "KODE DESA", "JUMLAH ART", "PENGHASILAN"]

# Nothing a payload could have turned into: an element built from it, an event handler, a javascript: link.
INJECTED = """() => {
  const bad = [];
  for (const img of document.querySelectorAll('img')) if (img.getAttribute('src') === 'x') bad.push(img.outerHTML);
  for (const el of document.querySelectorAll('[onload],[onerror]')) bad.push(el.outerHTML);
  for (const a of document.querySelectorAll('a[href]'))
    if (a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) bad.push(a.outerHTML);
  for (const s of document.querySelectorAll('script')) if (s.textContent.includes('alert(1)')) bad.push(s.outerHTML);
  return bad;
}"""


def _shown_as_text(page: Any, *texts: str) -> None:
    assert page.evaluate(INJECTED) == [], page.url
    body = page.locator("main").inner_text()
    for text in texts:
        assert text in body, f"{text!r} is not shown as text on {page.url}"
    assert "Xss 49" not in body  # no template evaluated {{7*7}}


def test_script_like_names_are_shown_as_text_everywhere(officer: Any, shot: Any, server: Any) -> None:
    page = officer
    names = [PREFIX + p for p in PAYLOADS]
    # Through the forms: five families and a KUBE.
    families = [register_family(page, name, desa=DESA_XSS) for name in names]
    _shown_as_text(page, names[-1])
    page.goto("/registry/groups/new/")
    choose_village(page, DESA_XSS)
    group_name = "KUBE <svg onload=alert(1)> \"'><script>alert(1)</script>"
    page.fill("input[name=name]", group_name)
    page.select_option("select[name=sector]", "other")
    page.fill("input[name=sector_other]", "<img src=x onerror=alert(1)>")
    page.fill("input[name=founded_on]", today().isoformat())
    page.fill("input[name=bank_account_name]", "javascript:alert(1)")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/registry/groups/\d+/$", page.url), errors(page)
    group_url = page.url
    for name, role in zip(names, ROLES, strict=True):
        form = page.locator("article.member-add form")
        form.locator("input[name=q]").fill(name)  # the search goes out in an htmx GET and comes back in a partial
        option = form.locator("select[name=family] option", has_text=name)
        option.wait_for(state="attached")
        form.locator("select[name=family]").select_option(option.get_attribute("value"))
        form.locator("select[name=role]").select_option(role)
        form.locator("button[type=submit]").click()
        page.locator(".members-table td a", has_text=name).wait_for()
        settle(page)
    _shown_as_text(page, group_name, *names)
    shot(page, "kube-with-script-names", full_page=True)

    # Through the API, with a token.
    token = page.request.post(
        server.url + "/api/auth/token",
        data={"username": "officer", "password": PASSWORDS["officer"], "name": "xss"},
    )
    assert token.status == 201, token.text()
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    api_group = "<script>alert(1)</script> lewat API"
    made = page.request.post(
        server.url + "/api/groups",
        headers=headers,
        data={"name": api_group, "desa_code": DESA_XSS, "sector": "trade", "founded_on": today().isoformat()},
    )
    assert made.status == 201, made.text()
    api_family = PREFIX + "javascript:alert(1) lewat API"
    made = page.request.post(
        server.url + "/api/families",
        headers=headers,
        data={"nik": new_nik(), "kk_number": new_kk(), "head_name": api_family, "desa_code": DESA_XSS},
    )
    assert made.status == 201, made.text()

    # Every page that shows them.
    everything = [*names, api_family]
    page.goto("/registry/families/?q=" + quote_plus(PREFIX.strip()))
    _shown_as_text(page, *everything)
    shot(page, "family-list", full_page=True)
    for url, name in zip(families, names, strict=True):
        page.goto(url)
        _shown_as_text(page, name, group_name)
    shot(page, "family-detail")
    for payload in PAYLOADS:  # the search box itself echoes the query back
        page.goto("/registry/families/?q=" + quote_plus(payload))
        assert page.locator("input[name=q]").input_value() == payload
        _shown_as_text(page)
    page.goto("/registry/groups/?q=" + quote_plus("alert(1)"))
    _shown_as_text(page, group_name, api_group)
    shot(page, "kube-list", full_page=True)
    page.goto(group_url)
    _shown_as_text(page, group_name, *names, "<img src=x onerror=alert(1)>", "javascript:alert(1)")
    page.goto(group_url + "edit/")
    assert page.locator("input[name=name]").input_value() == group_name
    _shown_as_text(page)
    page.goto(group_url)
    page.locator(".members-table a", has_text="Kelola").first.click()
    page.locator("#member-panel article").wait_for()
    _shown_as_text(page, names[0])
    page.goto("/")
    _shown_as_text(page)
    shot(page, "home-after")


def test_script_like_names_imported_from_a_file_are_shown_as_text(officer: Any, shot: Any) -> None:
    """The third door: an import. The check shows the rejected row, the registry the imported names."""
    page = officer
    names = [PREFIX + "impor " + p for p in PAYLOADS]
    rows = [[new_nik(), new_kk(), name, DESA_XSS, "3", "1.000.000"] for name in names]
    rejected = [new_nik()[:10], new_kk(), PREFIX + "ditolak <script>alert(1)</script>", DESA_XSS, "3", "1.000.000"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([IMPORT_HEADER, *rows, rejected])
    import_upload(page, "keluarga-xss.csv", buffer.getvalue())
    import_checked(page)
    _shown_as_text(page, rejected[0])  # the check's error table shows the rejected row's bad value
    shot(page, "import-check-with-script-names", full_page=True)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([IMPORT_HEADER, *rows])
    import_upload(page, "keluarga-xss-benar.csv", buffer.getvalue())
    import_checked(page)
    with page.expect_navigation():
        page.click("form[action$='/run/'] button[type=submit]")
    page.locator("form[action$='/undo/']").wait_for(timeout=60_000)
    _shown_as_text(page)
    page.goto("/registry/families/?q=" + quote_plus(PREFIX + "impor"))
    _shown_as_text(page, *names)
    shot(page, "imported-family-list", full_page=True)
    page.locator("main table a", has_text=names[1]).first.click()
    page.wait_for_load_state()
    _shown_as_text(page, names[1])
