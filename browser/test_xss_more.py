"""Scenario B1 of QUALITY.md, the rest of "every page": the five script-like payloads of test_xss.py, stored in
the free-text fields of companions, grants (note, RAB, spending), partners and agreements, complaints and a
recruitment call with its applications, through the API (a token) and through the forms (the companion form,
the public complaint form). Then every page that shows them is opened in Chromium as the role that sees it:
lists, details with their audit history, the dashboards' drill-down, the export links and files, the public
pages and the admin site. The page guard (conftest.py) fails a test on any dialog; `INJECTED` must find
nothing; each payload must be shown literally; and `Xss 49` (a template evaluating `{{7*7}}`) never appears."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import pytest
from steps import DESA_XSS, KECAMATAN, REGENCY, errors, import_checked, new_nik, settle, today
from test_xss import PAYLOADS, PREFIX, _shown_as_text

from conftest import PASSWORDS

NAMES = [PREFIX + p for p in PAYLOADS]  # "Xss <script>…": the prefix finds them, and turns {{7*7}} into "Xss 49"
HISTORY = "section.history"  # the audit history of a record, folded under its page (includes/history.html)
OPEN_ALL_DETAILS = "() => document.querySelectorAll('main details, #content details').forEach(d => { d.open = true; })"


@dataclass
class Stored:
    """What the module's records are called and where they live (ids from the API's answers)."""

    kube: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    companions: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    call: dict[str, Any] = field(default_factory=dict)
    applications: list[dict[str, Any]] = field(default_factory=list)


class Api:
    """The API door, with a bearer token of one demo role; every write must answer as documented."""

    def __init__(self, request: Any, role: str) -> None:
        self.request = request
        answer = request.post("/api/auth/token", data={"username": role, "password": PASSWORDS[role], "name": "xss"})
        assert answer.status == 201, answer.text()
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    def send(self, method: str, path: str, data: dict[str, Any], status: int = 201) -> dict[str, Any]:
        answer = self.request.fetch("/api" + path, method=method, headers=self.headers, data=data)
        assert answer.status == status, f"{method} {path}: {answer.status} {answer.text()}"
        return dict(answer.json())


def _kube_and_grants(officer: Api, stored: Stored) -> None:
    """A KUBE named after each payload, with a grant whose note, RAB line and spending carry it too."""
    for i, (name, payload) in enumerate(zip(NAMES, PAYLOADS, strict=True)):
        kube = officer.send(
            "POST",
            "/groups",
            {"name": f"{name} KUBE", "desa_code": DESA_XSS, "sector": "trade", "founded_on": today().isoformat()},
        )
        grant = officer.send(
            "POST",
            "/grants",
            {"group_id": kube["id"], "amount": 10_000_000 + i, "source": "apbd_kab", "year": today().year,
             "note": f"{name} catatan"},
        )  # fmt: skip
        officer.send(
            "POST",
            f"/grants/{grant['id']}/plan",
            {"description": f"{name} RAB", "unit": payload[:30], "quantity": 2, "unit_price": 100_000},
        )
        officer.send(
            "POST",
            f"/grants/{grant['id']}/realisations",
            {"spent_on": today().isoformat(), "amount": 50_000, "description": f"{name} belanja",
             "receipt_ref": payload},
        )  # fmt: skip
        stored.kube.append(kube)
        stored.grants.append(grant)


def _companions(officer: Api, stored: Stored) -> None:
    """An active companion per payload, assigned to that payload's KUBE; the first one renamed (audit history)."""
    for name, kube in zip(NAMES, stored.kube, strict=True):
        companion = officer.send(
            "POST",
            "/companions",
            {"nik": new_nik(), "name": f"{name} pendamping", "education": "s1", "home_desa_code": DESA_XSS,
             "status": "active"},
        )  # fmt: skip
        officer.send(
            "POST",
            "/assignments",
            {"companion_id": companion["id"], "group_id": kube["id"], "started_on": str(today())},
        )
        stored.companions.append(companion)
    first = stored.companions[0]
    renamed = officer.send(
        "PATCH", f"/companions/{first['id']}", {"version": first["version"], "name": NAMES[1] + " diubah"}, status=200
    )
    stored.companions[0] = renamed


def _partnerships(officer: Api, stored: Stored) -> None:
    """A partner and an agreement per payload, covering that payload's KUBE, with one activity each."""
    for name, payload, kube in zip(NAMES, PAYLOADS, stored.kube, strict=True):
        partner = officer.send(
            "POST",
            "/partners",
            {"name": f"{name} mitra", "type": "private", "regency_code": REGENCY, "sector": payload,
             "contact_name": f"{name} kontak", "address": payload},
        )  # fmt: skip
        agreement = officer.send(
            "POST",
            "/agreements",
            {"partner_id": partner["id"], "regency_code": REGENCY, "title": f"{name} perjanjian",
             "group_ids": [kube["id"]], "scopes": ["marketing"], "start_on": str(today()),
             "end_on": str(today() + dt.timedelta(days=365)), "document_ref": payload},
        )  # fmt: skip
        officer.send(
            "POST",
            f"/agreements/{agreement['id']}/activities",
            {"on": str(today()), "description": f"{name} kegiatan", "value": 1000, "group_id": kube["id"]},
        )
        stored.partners.append(partner)
        stored.agreements.append(agreement)
    first = stored.partners[0]
    stored.partners[0] = officer.send(
        "PATCH", f"/partners/{first['id']}", {"version": first["version"], "sector": NAMES[2]}, status=200
    )


def _complaints(officer: Api, stored: Stored) -> None:
    """The officer's door: a complaint about each payload's KUBE; the first resolved with a payload outcome."""
    for name, payload, kube in zip(NAMES, PAYLOADS, stored.kube, strict=True):
        complaint = officer.send(
            "POST",
            "/complaints",
            {"regency_code": REGENCY, "subject": "group", "category": "other", "group_id": kube["id"],
             "description": f"{name} aduan", "subject_text": f"{name} disebut", "complainant_name": payload,
             "complainant_contact": payload[:120]},
        )  # fmt: skip
        stored.complaints.append(complaint)
    first = stored.complaints[0]
    stored.complaints[0] = officer.send(
        "POST",
        f"/complaints/{first['id']}/status",
        {"status": "resolved", "resolution": f"{NAMES[3]} hasil", "version": first["version"]},
        status=200,
    )


def _recruitment(admin: Api, officer: Api, stored: Stored) -> None:
    """The province opens a call (payload title and description); the officer enters an applicant per payload."""
    call = admin.send(
        "POST",
        "/calls",
        {"title": f"{NAMES[0]} rekrutmen", "description": " ".join(NAMES), "opens_on": str(today()),
         "closes_on": str(today() + dt.timedelta(days=30)), "quotas": {REGENCY: 3}},
    )  # fmt: skip
    stored.call = admin.send("POST", f"/calls/{call['id']}/status", {"status": "open"}, status=200)
    for i, (name, payload) in enumerate(zip(NAMES, PAYLOADS, strict=True)):
        application = officer.send(
            "POST",
            f"/calls/{call['id']}/applications",
            {"regency_code": REGENCY, "nik": new_nik(woman=True), "name": f"{name} pelamar",
             "phone": f"0812345678{i:02d}", "education": "s1", "home_desa_code": DESA_XSS, "experience": payload,
             "motivation": f"{name} motivasi"},
        )  # fmt: skip
        stored.applications.append(application)


@pytest.fixture(scope="module")
def stored(browser: Any, server: Any) -> Iterator[Stored]:
    """The records of every test in this module, written once through the API (the token door)."""
    context = browser.new_context(base_url=server.url)
    officer, admin = Api(context.request, "officer"), Api(context.request, "admin")
    records = Stored()
    _kube_and_grants(officer, records)
    _companions(officer, records)
    _partnerships(officer, records)
    _complaints(officer, records)
    _recruitment(admin, officer, records)
    yield records
    context.close()


def _visit(page: Any, shot: Any, url: str, step: str, *texts: str, within: str = "main") -> None:
    """Open a page, unfold its folded parts (history, details), and check it shows `texts` as text, nothing more."""
    page.goto(url)
    settle(page)
    page.evaluate(OPEN_ALL_DETAILS)
    _shown_as_text(page)  # the guard's other half: nothing injected, no evaluated template in <main>
    shown = page.locator(within).first.inner_text()
    for text in texts:
        assert text in shown, f"{text!r} is not shown as text on {page.url}"
    assert "Xss 49" not in page.locator("body").inner_text()
    shot(page, step, full_page=True)


def _opened(page: Any, link: str) -> str:
    """Follow a link of the page (the way a user gets to a record) and return where it led."""
    with page.expect_navigation():
        page.locator(link).first.click()
    return str(page.url)


def _companion_by_form(page: Any, name: str) -> str:
    """The companion form (the browser door): a payload name; returns the new companion's page."""
    page.goto("/companions/new/")
    page.fill("input[name=nik]", new_nik())
    page.fill("input[name=name]", name)
    page.select_option("select[name=education]", "s1")
    page.fill("input[name=phone]", "081234567800")
    page.fill("input[name=home_desa]", DESA_XSS)
    page.select_option("select[name=regency]", REGENCY)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/companions/\d+/$", page.url), errors(page)
    return str(page.url)


def test_companion_pages_show_script_like_names_as_text(officer: Any, stored: Stored, shot: Any) -> None:
    page = officer
    by_form = PREFIX + "formulir " + PAYLOADS[1]
    form_url = _companion_by_form(page, by_form)
    _visit(page, shot, form_url, "companion-from-form", by_form)
    names = [c["name"] for c in stored.companions]
    _visit(page, shot, "/companions/?q=" + quote_plus(PREFIX.strip()), "companion-list", *names, by_form)
    for companion, kube in zip(stored.companions, stored.kube, strict=True):
        page.goto("/companions/?q=" + quote_plus(companion["name"]))
        url = _opened(page, f"main table a[href$='/companions/{companion['id']}/']")
        _visit(page, shot, url, f"companion-{companion['id']}", companion["name"], kube["name"])
    # The renamed one: its history (unfolded by _visit) shows the old and the new name, both as text.
    first = stored.companions[0]
    old, new = NAMES[0] + " pendamping", first["name"]
    _visit(page, shot, f"/companions/{first['id']}/", "companion-history", old, new, within=HISTORY)
    page.goto(f"/companions/{first['id']}/edit/")
    assert page.locator("input[name=name]").input_value() == first["name"]
    _visit(page, shot, page.url, "companion-edit")
    for payload in PAYLOADS:  # the search box echoes the query back into its input, as a value
        page.goto("/companions/?q=" + quote_plus(payload))
        assert page.locator("input[name=q]").input_value() == payload
        _shown_as_text(page)


def test_grant_and_kube_pages_show_script_like_texts_as_text(officer: Any, stored: Stored, shot: Any) -> None:
    page = officer
    kube_names = [k["name"] for k in stored.kube]
    _visit(page, shot, "/registry/grants/?q=" + quote_plus(PREFIX.strip()), "grant-list", *kube_names)
    for kube, grant, companion in zip(stored.kube, stored.grants, stored.companions, strict=True):
        _visit(page, shot, f"/registry/groups/{kube['id']}/", f"kube-{kube['id']}", kube["name"], grant["note"],
               companion["name"])  # fmt: skip
        page.goto(f"/registry/grants/{grant['id']}/edit/")
        assert page.locator("textarea[name=note], input[name=note]").input_value() == grant["note"]
        _shown_as_text(page)
    for grant, name, payload in zip(stored.grants, NAMES, PAYLOADS, strict=True):
        texts = [f"{name} RAB", f"{name} belanja", payload]
        _visit(page, shot, f"/enterprise/grants/{grant['id']}/use/", f"grant-use-{grant['id']}", *texts)


def test_dashboards_drill_down_to_script_like_kube_names(officer: Any, admin: Any, stored: Stored, shot: Any) -> None:
    _visit(admin, shot, "/dashboards/", "dashboard-province")
    _visit(officer, shot, f"/dashboards/area/{REGENCY}/", "dashboard-regency")
    kube_names = [k["name"] for k in stored.kube]
    _visit(officer, shot, f"/dashboards/area/{KECAMATAN}/", "dashboard-kecamatan", *kube_names)
    # Its "companions living here" link: the companion list of the kecamatan.
    url = _opened(officer, "section[aria-labelledby=h-kube] a[href*='/companions/?']")
    _visit(officer, shot, url, "dashboard-companions", *(c["name"] for c in stored.companions))
    _visit(officer, shot, "/", "home-officer")


def test_partnership_pages_show_script_like_texts_as_text(officer: Any, stored: Stored, shot: Any) -> None:
    page = officer
    partners = [p["name"] for p in stored.partners]
    titles = [a["title"] for a in stored.agreements]
    _visit(page, shot, "/partnerships/partners/?q=" + quote_plus(PREFIX.strip()), "partner-list", *partners)
    _visit(page, shot, "/partnerships/agreements/?q=" + quote_plus(PREFIX.strip()), "agreement-list", *titles)
    for partner, agreement, payload in zip(stored.partners, stored.agreements, PAYLOADS, strict=True):
        _visit(page, shot, f"/partnerships/partners/{partner['id']}/", f"partner-{partner['id']}", partner["name"],
               agreement["title"], partner["contact_name"])  # fmt: skip
        kube = agreement["groups"][0]["name"]
        _visit(page, shot, f"/partnerships/agreements/{agreement['id']}/", f"agreement-{agreement['id']}",
               agreement["title"], partner["name"], kube, kube.replace(" KUBE", " kegiatan"), payload)  # fmt: skip
        page.goto(f"/partnerships/agreements/{agreement['id']}/edit/")
        assert page.locator("input[name=title]").input_value() == agreement["title"]
        _shown_as_text(page)
    # The renamed sector of the first partner: its history shows the payload before and the new one after.
    first = stored.partners[0]
    url = f"/partnerships/partners/{first['id']}/"
    _visit(page, shot, url, "partner-history", PAYLOADS[0], NAMES[2], within=HISTORY)
    _visit(page, shot, "/partnerships/", "coverage")


def _complain_in_public(page: Any, shot: Any) -> str:
    """The public complaint form (no login), payloads in every free-text field; returns the reference."""
    page.goto("/complaints/public/")
    page.select_option("select[name=regency]", REGENCY)
    page.check("input[name=subject][value=companion]")
    page.fill("input[name=subject_text]", NAMES[4] + " publik")
    page.select_option("select[name=category]", "conduct")
    page.fill("textarea[name=description]", "\n".join(NAMES))
    page.fill("input[name=complainant_name]", NAMES[1])
    page.fill("input[name=complainant_contact]", PAYLOADS[3])
    page.wait_for_timeout(3_500)  # the anti-spam stamp refuses a form filled faster than a person could (3 s)
    shot(page, "public-complaint-form", full_page=True)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    reference = re.search(r"ADU-[A-Z0-9]+", page.locator("main").inner_text())
    assert reference, errors(page)
    return reference.group(0)


def test_complaint_pages_show_script_like_texts_as_text(new_page: Any, officer: Any, stored: Stored, shot: Any) -> None:
    public = new_page(phone=True)
    reference = _complain_in_public(public, shot)
    resolved = stored.complaints[0]
    _visit(public, shot, "/complaints/public/status/?reference=" + resolved["reference"], "public-status",
           resolved["resolution"])  # fmt: skip
    page = officer
    _visit(
        page,
        shot,
        f"/complaints/?regency={REGENCY}",
        "complaint-list",
        *(c["subject_text"] for c in stored.complaints[1:]),
    )
    for complaint, payload in zip(stored.complaints, PAYLOADS, strict=True):
        _visit(page, shot, f"/complaints/{complaint['id']}/", f"complaint-{complaint['id']}", complaint["description"],
               complaint["subject_text"], complaint["group_name"], payload)  # fmt: skip
    # The history of the resolved one carries the outcome; the public one is found by its reference.
    _visit(page, shot, f"/complaints/{resolved['id']}/", "complaint-history", resolved["resolution"], within=HISTORY)
    page.goto(f"/complaints/?regency={REGENCY}&status=new")
    url = _opened(page, f"main table a:text('{reference}')")
    _visit(page, shot, url, "complaint-public", *NAMES, NAMES[4] + " publik")


def test_recruitment_pages_show_script_like_texts_as_text(
    new_page: Any, officer: Any, admin: Any, stored: Stored, shot: Any
) -> None:
    call, applicants = stored.call, [a["name"] for a in stored.applications]
    _visit(admin, shot, "/companions/calls/", "call-list", call["title"])
    _visit(admin, shot, f"/companions/calls/{call['id']}/", "call-detail", call["title"], *NAMES)
    _visit(admin, shot, admin.url, "call-history", call["title"], within=HISTORY)
    admin.goto(f"/companions/calls/{call['id']}/edit/")
    assert admin.locator("input[name=title]").input_value() == call["title"]
    _shown_as_text(admin)
    _visit(officer, shot, f"/companions/calls/{call['id']}/applications/", "application-list", *applicants)
    for application, payload in zip(stored.applications, PAYLOADS, strict=True):
        _visit(officer, shot, f"/companions/applications/{application['id']}/", f"application-{application['id']}",
               application["name"], application["motivation"], payload, call["title"])  # fmt: skip
    public = new_page(phone=True)  # the open call is on the public pages, to anyone
    _visit(public, shot, "/companions/apply/", "public-calls", call["title"], *NAMES)
    _visit(public, shot, f"/companions/apply/{call['id']}/", "public-apply", call["title"], *NAMES)


def test_exports_keep_script_like_texts_as_text(officer: Any, stored: Stored, shot: Any) -> None:
    """The export links echo the page's query, the files hold the names as they are, and the refusal page shows
    a bad format as text."""
    page = officer
    for payload in PAYLOADS:
        _visit(page, shot, "/partnerships/partners/?q=" + quote_plus(payload), "export-links")
        links = page.locator("main .export-links a").all()
        assert len(links) == 2, "the XLSX and CSV links"
        for link in links:
            assert quote_plus(payload) in (link.get_attribute("href") or ""), link.get_attribute("href")
    answer = page.request.get("/exchange/export/companions/?format=csv&q=" + quote_plus(PREFIX.strip()))
    assert answer.status == 200, answer.text()
    cells = {cell for row in csv.reader(io.StringIO(answer.text().lstrip("\ufeff"))) for cell in row}
    assert {c["name"] for c in stored.companions} <= cells, sorted(cells)[:20]
    for payload in PAYLOADS:
        url = "/exchange/export/companions/?format=" + quote_plus(payload)
        _visit(page, shot, url, "export-refused", payload.lower()[:20])


FORM_VALUES = "form => [...form.elements].map(e => e.value || '')"


def _admin_pages(page: Any, shot: Any, model: str, pk: int, listed: list[str], held: list[str]) -> None:
    """An admin change list (searched for the first of `listed`) shows `listed` as text; the change form shows
    or holds `held` (its inputs hold editable fields, its read-only fields are text)."""
    step = model.replace("/", "-")
    _visit(page, shot, f"/admin/{model}/?q={quote_plus(listed[0])}", step, *listed, within="#content")
    _visit(page, shot, f"/admin/{model}/{pk}/change/", step + "-change", within="#content")
    values = page.locator("#content-main form").first.evaluate(FORM_VALUES)
    shown = page.locator("#content").inner_text() + "\n".join(values)
    for text in held:
        assert text in shown, f"{text!r} is neither shown nor held by the form on {page.url}"


def test_admin_site_shows_script_like_texts_as_text(admin: Any, stored: Stored, shot: Any) -> None:
    page = admin
    for companion in stored.companions:
        _admin_pages(page, shot, "companions/companion", companion["id"], [companion["name"]], [companion["name"]])
    for kube, grant in zip(stored.kube, stored.grants, strict=True):
        _admin_pages(page, shot, "registry/group", kube["id"], [kube["name"]], [kube["name"]])
        _admin_pages(page, shot, "registry/grant", grant["id"], [kube["name"]], [grant["note"]])
    for partner, agreement in zip(stored.partners, stored.agreements, strict=True):
        held = [partner["name"], partner["sector"], partner["contact_name"], partner["address"]]
        _admin_pages(page, shot, "partnerships/partner", partner["id"], [partner["name"]], held)
        held = [agreement["title"], agreement["document_ref"]]
        _admin_pages(page, shot, "partnerships/agreement", agreement["id"], [agreement["title"]], held)
    _visit(page, shot, "/admin/partnerships/activity/?q=" + quote_plus(PREFIX.strip()), "admin-activities",
           *(f"{name} kegiatan" for name in NAMES), within="#content")  # fmt: skip
    for complaint in stored.complaints:
        held = [complaint["description"], complaint["subject_text"]]
        _admin_pages(page, shot, "complaints/complaint", complaint["id"], [complaint["reference"]], held)
    # The audit trail's own admin: entries are listed by the record's name, the payload.
    _visit(page, shot, "/admin/audit/auditentry/?q=" + quote_plus(PREFIX.strip()), "admin-audit",
           *(c["name"] for c in stored.companions), within="#content")  # fmt: skip
    # One entry's own page: the renamed companion's, whose changes hold the old and the new payload name.
    row = page.locator("#result_list tbody tr").filter(has_text=stored.companions[0]["name"]).first
    with page.expect_navigation():
        row.locator("a").first.click()
    url = page.url
    _visit(page, shot, url, "admin-audit-entry", NAMES[0] + " pendamping", within="#content")


def _import(page: Any, kind: str, rows: list[list[str]]) -> None:
    """The import door for another kind than families: upload, wait for the worker's check, run, wait for it."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    page.goto("/exchange/imports/new/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", files=[{"name": f"{kind}-xss.csv", "mimeType": "text/csv",
                                                     "buffer": buffer.getvalue().encode()}])  # fmt: skip
    page.select_option("select[name=mode]", "all")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/exchange/imports/\d+/$", page.url), errors(page)
    import_checked(page)
    _shown_as_text(page)  # the check's page lists the rows it read
    with page.expect_navigation():
        page.click("form[action$='/run/'] button[type=submit]")
    page.locator("form[action$='/undo/']").wait_for(timeout=60_000)
    _shown_as_text(page)


def test_imported_companions_and_grants_show_script_like_texts_as_text(officer: Any, stored: Stored, shot: Any) -> None:
    page = officer
    names = [PREFIX + "impor " + p for p in PAYLOADS]
    header = ["NIK", "NAMA", "PENDIDIKAN", "KODE DESA"]
    _import(page, "companions", [header, *([new_nik(), name, "S1", DESA_XSS] for name in names)])
    shot(page, "companions-imported", full_page=True)
    _visit(page, shot, "/companions/?q=" + quote_plus(PREFIX + "impor"), "imported-companions", *names)
    notes = [PREFIX + "impor " + p for p in PAYLOADS]
    header = ["KODE KUBE", "TAHUN ANGGARAN", "SUMBER DANA", "NILAI BANTUAN", "KETERANGAN"]
    rows = [
        [k["code"], str(today().year - 1), "APBN", "20.000.000", note]
        for k, note in zip(stored.kube, notes, strict=True)
    ]
    _import(page, "grants", [header, *rows])
    shot(page, "grants-imported", full_page=True)
    for kube, note in zip(stored.kube, notes, strict=True):
        _visit(page, shot, f"/registry/groups/{kube['id']}/", f"kube-imported-grant-{kube['id']}", kube["name"], note)
