"""The province's admin runs an internship round: trainees, host KUBE, the proposed matching, confirmation."""

import datetime as dt
import re
from typing import Any

from steps import today


def test_admin_runs_an_internship_matching(admin: Any, shot: Any) -> None:
    page = admin
    page.goto("/companions/internship/")
    shot(page, "rounds", guide="admin-magang-daftar")
    with page.expect_navigation():
        page.locator("main a[href$='/companions/internship/new/']").click()
    start = today() + dt.timedelta(days=14)
    page.fill("input[name=title]", "Praktik Magang Angkatan II (uji peramban)")
    page.fill("input[name=starts_on]", start.isoformat())
    page.fill("input[name=ends_on]", (start + dt.timedelta(days=56)).isoformat())
    page.fill("input[name=default_capacity]", "2")
    shot(page, "round-form", guide="admin-magang-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/companions/internship/\d+/$", page.url), page.locator(".form-errors").all_inner_texts()
    round_url = page.url

    # Trainees: everyone who finished a briefing batch and waits for an internship.
    with page.expect_navigation():
        page.locator("main a[href$='/trainees/']").click()
    add = page.locator("main form").first
    ticks = add.locator("input[name=companions]")
    assert ticks.count() >= 1, "the demo leaves trainees who completed their briefing"
    for i in range(ticks.count()):
        ticks.nth(i).check()
    trainees = ticks.count()
    shot(page, "trainees", guide="admin-magang-peserta")
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    assert page.url == round_url

    # Hosts: the outstanding KUBE of the classification; tick the first few.
    with page.expect_navigation():
        page.locator("main a[href$='/hosts/']").click()
    hosts = page.locator("main form input[type=checkbox][name^=host_]")
    assert hosts.count() >= 1
    for i in range(min(hosts.count(), 3)):
        hosts.nth(i).check()
    shot(page, "hosts", guide="admin-magang-tempat")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == round_url

    # The matching: each trainee to a host, with its suitability score and reasons.
    with page.expect_navigation():
        page.locator("form[action$='/propose/']:not(:has(input[name=partial])) button").click()
    assert page.locator(".message, [role=status], .messages").first.is_visible()
    placed = page.locator("form[action$='/confirm/']")
    assert placed.count() == 1, page.locator("main").inner_text()[:2000]
    shot(page, "proposed", guide="admin-magang-usulan", full_page=True)
    with page.expect_navigation():
        placed.locator("button").click()
    assert "dikonfirmasi" in page.locator("main").inner_text()
    assert page.locator("a[href*='/logbook/']").count() == trainees
    shot(page, "confirmed", guide="admin-magang-dikonfirmasi")
