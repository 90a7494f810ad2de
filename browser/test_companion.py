"""A companion on a phone records a visit to one of their KUBE, then that KUBE's monthly report."""

import datetime as dt
import re
from typing import Any

from steps import today


def test_companion_on_a_phone_records_a_visit_and_a_monthly_report(companion_phone: Any, shot: Any) -> None:
    page = companion_phone
    assert page.viewport_size == {"width": 390, "height": 844}
    shot(page, "home", guide="pendamping-beranda")
    # Nothing on the page is wider than the phone's screen (the tables scroll inside their own boxes).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto("/companions/visits/")
    shot(page, "my-visits", guide="pendamping-kunjungan-daftar")
    with page.expect_navigation():
        page.locator("main a[href$='/companions/visits/new/']").first.click()
    group = page.locator("select[name=group] option:not([value=''])").first
    group_name = group.inner_text().strip()
    page.select_option("select[name=group]", group.get_attribute("value"))
    page.fill("input[name=on]", today().isoformat())
    page.check("input[name=roles][value=facilitator]")
    page.check("input[name=roles][value=motivator]")
    page.fill("input[name=members_present]", "5")
    page.check("input[name=topics][value=bookkeeping]")
    page.check("input[name=topics][value=marketing]")
    page.fill("textarea[name=problems]", "Buku kas belum diisi sejak dua minggu; pemasaran baru lewat tetangga.")
    page.locator("form.visit-form details summary").click()
    page.fill("input[name=follow_up_1]", "Mendampingi bendahara mengisi buku kas")
    page.fill("input[name=follow_up_1_due]", (today() + dt.timedelta(days=14)).isoformat())
    shot(page, "visit-form", guide="pendamping-kunjungan-form", full_page=True)
    with page.expect_navigation():
        page.click("form.visit-form button[type=submit]")
    assert re.search(r"/companions/visits/\d+/$", page.url), page.locator(
        ".form-errors, .field-error"
    ).all_inner_texts()
    assert group_name in page.locator("main").inner_text()
    shot(page, "visit-saved", guide="pendamping-kunjungan-tersimpan")

    # The monthly report the home page asks for ("Isi laporan …").
    page.goto("/")
    due = page.locator("main a[href*='/reports/new/']").first
    due.scroll_into_view_if_needed()
    shot(page, "report-due", guide="pendamping-laporan-tagihan")
    with page.expect_navigation():
        due.click()
    page.fill("input[name=revenue]", "4.750.000")
    page.fill("input[name=operating_costs]", "3.100.000")
    page.fill("input[name=capital_assets]", "12.500.000")
    page.fill("input[name=cash_savings]", "2.250.000")
    page.fill("input[name=members_active]", "5")
    page.fill("input[name=meetings_held]", "3")
    page.fill("input[name=iks_collected]", "50.000")
    page.fill("textarea[name=problems]", "Harga bahan baku naik.")
    shot(page, "report-form", guide="pendamping-laporan-form", full_page=True)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/enterprise/reports/\d+/$", page.url), page.locator(
        ".form-errors, .field-error"
    ).all_inner_texts()
    assert "4.750.000" in page.locator("main").inner_text()
    assert "1.650.000" in page.locator("main").inner_text()  # the profit, computed
    shot(page, "report-saved", guide="pendamping-laporan-tersimpan", full_page=True)
