"""Small steps the browser tests share: region cascades, unique identity numbers, waiting for htmx."""

import datetime as dt
import itertools
import re
from typing import Any
from zoneinfo import ZoneInfo

# Kota Surabaya › Karang Pilang › Karang Pilang / Kebraon: inside the demo officer's regencies.
REGENCY, KECAMATAN = "35.78", "35.78.01"
DESA = "35.78.01.1001"
DESA_XSS = "35.78.01.1002"

_serial = itertools.count(9001)


def today() -> dt.date:
    """The server's date (Asia/Jakarta): a founding date or visit "today" must not be tomorrow there."""
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()


def new_nik(*, woman: bool = False) -> str:
    """A valid, unused NIK of Kecamatan Karang Pilang (serials 9001+ are left alone by the demo data)."""
    n = next(_serial)
    day = 12 + (40 if woman else 0)
    return f"357801{day:02d}0685{n:04d}"


def new_kk() -> str:
    return f"35780101099{next(_serial):05d}"


def choose_option(page: Any, select: str, value: str) -> None:
    """Pick `value` in a select whose options arrive by htmx (the region cascade)."""
    page.wait_for_selector(f"{select} option[value='{value}']", state="attached")
    page.select_option(select, value)


def choose_village(page: Any, desa: str = DESA) -> None:
    """Regency › kecamatan › desa: each choice loads the next select's options."""
    regency, kecamatan = desa[:5], desa[:8]
    if page.locator("select[name=regency]").count():
        choose_option(page, "select[name=regency]", regency)
    choose_option(page, "select[name=kecamatan]", kecamatan)
    choose_option(page, "select[name=desa]", desa)


def errors(page: Any) -> list[str]:
    """The form errors a page shows (for assertion messages)."""
    return list(page.locator(".form-errors, .field-error").all_inner_texts())


def settle(page: Any) -> None:
    """Wait until htmx has no request in flight."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_load_state("networkidle")


def register_family(page: Any, name: str, *, desa: str = DESA, woman: bool = False, shot: Any = None) -> str:
    """The officer's "register a family" form; returns the new family's detail URL."""
    page.goto("/registry/families/new/")
    page.fill("input[name=nik]", new_nik(woman=woman))
    page.fill("input[name=head_name]", name)
    page.fill("input[name=kk_number]", new_kk())
    page.fill("input[name=household_size]", "4")
    page.fill("input[name=monthly_income]", "1.250.000")
    choose_village(page, desa)
    page.fill("input[name=address]", "Jl. Mawar 12")
    page.fill("input[name=rt]", "003")
    page.fill("input[name=rw]", "005")
    if shot:
        shot(page, "family-form", guide="petugas-keluarga-form", full_page=True)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/registry/families/new/" not in page.url, page.locator(".form-errors, .field-error").all_inner_texts()
    return str(page.url)


def import_upload(page: Any, name: str, text: str) -> None:
    """Upload a families CSV on the import page (all or nothing) and land on its batch page."""
    page.goto("/exchange/imports/new/")
    page.select_option("select[name=kind]", "families")
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.select_option("select[name=mode]", "all")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/exchange/imports/\d+/$", page.url), errors(page)


def import_checked(page: Any) -> None:
    """The check runs in the worker; the page polls and reloads itself when it is over."""
    page.locator("#progress table.counts").wait_for(timeout=60_000)
