"""An officer imports families from a CSV: the check shows the errors, the fixed file passes, the import runs."""

import re
from typing import Any

from steps import import_checked, import_upload, new_kk, new_nik

HEADER = "NIK,NO KK,NAMA,KODE DESA,JUMLAH ART,PENGHASILAN\n"


def test_import_with_errors_is_previewed_fixed_and_committed(officer: Any, shot: Any) -> None:
    page = officer
    good = [(new_nik(), new_kk(), name) for name in ("Ahmad Fauzi", "Nur Aini", "Slamet Riyadi")]
    rows = [f"{nik},{kk},{name},35.78.01.1003,3,1.000.000" for nik, kk, name in good]
    bad = rows.copy()
    bad[1] = bad[1].replace(good[1][0], good[1][0][:10])  # a NIK cut short
    bad[2] = bad[2].replace("35.78.01.1003", "35.78.01.9999")  # a village that does not exist

    page.goto("/exchange/imports/")
    shot(page, "imports", guide="petugas-impor-daftar")
    import_upload(page, "keluarga-salah.csv", HEADER + "\n".join(bad) + "\n")
    shot(page, "uploaded")
    import_checked(page)
    table = page.locator("main h2 + p + .table-scroll table")
    assert "NIK" in page.locator("main").inner_text()
    assert table.locator("tbody tr").count() == 2, table.inner_text()
    assert "Kesalahan" in page.locator("main h2").all_inner_texts()
    shot(page, "errors-shown", guide="petugas-impor-galat", full_page=True)
    assert page.locator("a[href*='/to-fix/']").count() >= 1  # the rejected rows, to fix and upload again

    import_upload(page, "keluarga-benar.csv", HEADER + "\n".join(rows) + "\n")
    import_checked(page)
    assert "Kesalahan" not in page.locator("main h2").all_inner_texts()
    counts = page.locator("table.counts").inner_text()
    assert re.search(r"\b3\b", counts), counts
    shot(page, "checked-clean", guide="petugas-impor-siap")
    with page.expect_navigation():
        page.click("form[action$='/run/'] button[type=submit]")
    page.locator("form[action$='/undo/']").wait_for(timeout=60_000)
    shot(page, "done", guide="petugas-impor-selesai")

    page.goto("/registry/families/?q=Slamet+Riyadi")
    assert page.locator("main table a", has_text="Slamet Riyadi").count() == 1
