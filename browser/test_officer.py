"""A regency officer registers five families, founds a KUBE with them as members, and records its grant."""

import re
from typing import Any

from steps import DESA, choose_village, errors, register_family, settle, today

ROLES = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"]


def test_officer_registers_families_a_kube_with_five_members_and_a_grant(officer: Any, shot: Any) -> None:
    page = officer
    names = ["Siti Rahayu", "Bambang Santoso", "Dewi Lestari", "Agus Prasetyo", "Sri Wahyuni"]
    for i, name in enumerate(names):
        register_family(page, name, desa=DESA, woman=name.split()[0] in ("Siti", "Dewi", "Sri"),
                        shot=shot if i == 0 else None)  # fmt: skip
        assert re.search(r"/registry/families/\d+/$", page.url)
        assert page.locator("main h1").inner_text().strip() == name
        if i == 0:
            shot(page, "family-saved", guide="petugas-keluarga-tersimpan")

    # Found the KUBE in the same village.
    page.goto("/registry/groups/new/")
    choose_village(page, DESA)
    page.fill("input[name=name]", "KUBE Melati Karang Pilang")
    page.select_option("select[name=sector]", "food")
    page.fill("input[name=founded_on]", today().isoformat())
    page.fill("input[name=bank_name]", "Bank Jatim")
    page.fill("input[name=bank_account_number]", "0012345678")
    page.fill("input[name=bank_account_name]", "KUBE Melati")
    shot(page, "kube-form", guide="petugas-kube-form", full_page=True)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/registry/groups/\d+/$", page.url), errors(page)
    group_url = page.url
    assert page.locator("main h1").inner_text().strip() == "KUBE Melati Karang Pilang"

    # Five members through the htmx "add a member" form: find by name, choose, give the role.
    for name, role in zip(names, ROLES, strict=True):
        form = page.locator("article.member-add form")
        form.locator("input[name=q]").fill(name)
        option = form.locator("select[name=family] option", has_text=name)
        option.wait_for(state="attached")
        form.locator("select[name=family]").select_option(option.get_attribute("value"))
        form.locator("select[name=role]").select_option(role)
        if name == names[0]:
            shot(page, "member-add", guide="petugas-anggota-tambah")
        form.locator("button[type=submit]").click()
        page.locator(".members-table td a", has_text=name).wait_for()
        settle(page)
    assert page.locator(".members-table tbody tr").count() == 5
    assert "kosong" not in page.locator("dl.board").inner_text()  # the board's three seats are held
    page.locator("#members").scroll_into_view_if_needed()
    shot(page, "five-members", guide="petugas-anggota-lima")

    # The stimulus grant with its first tranche.
    page.goto(group_url)
    with page.expect_navigation():
        page.locator("section.grants a[role=button]").click()
    page.fill("input[name=amount]", "25.000.000")
    page.fill("input[name=note]", "Bantuan stimulan UEP 2026")
    page.fill("input[name=tranche_amount]", "15.000.000")
    page.fill("input[name=tranche_on]", today().isoformat())
    shot(page, "grant-form", guide="petugas-bantuan-form", full_page=True)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == group_url, errors(page)
    grants = page.locator("section.grants")
    assert "25.000.000" in grants.inner_text()
    grants.scroll_into_view_if_needed()
    shot(page, "grant-saved", guide="petugas-bantuan-tersimpan")
