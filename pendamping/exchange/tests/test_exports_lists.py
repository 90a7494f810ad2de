"""Every list page exports, in both formats, exactly the rows the page lists (its selector, scope, filters), with
the export's headers; scoped and masked by role; refused where the page is refused (QUALITY A2, A6, E1).

The cast: Alice is the provincial admin, the Surabaya officer and auditor see Kota Surabaya only, the companion
their own KUBE, the evaluator no list at all. Their world (core/tests/test_url_scoping.py) holds a Surabaya and
a Malang bundle of every kind of row, each Malang name carrying the tag "Xmalang"."""

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.core.tests.test_url_scoping import World, world
from pendamping.exchange.exports import SPECS
from pendamping.exchange.exports.spec import ExportSpec
from pendamping.registry.models import Family

__all__ = ["world"]  # the fixture
pytestmark = [pytest.mark.django_db]

CAST = ("admin", "surabaya_officer", "auditor", "companion_user")


@pytest.fixture(autouse=True)
def _generous_export_limit(settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_EXPORT": "100000/min"}
    cache.clear()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read(response: Any, fmt: str) -> list[list[Any]]:
    """The file's rows, the header first, as a spreadsheet would show them (every sheet, one after the other)."""
    data = content(response)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [row for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()]


def page_and_params(spec: ExportSpec, world: World) -> tuple[str, dict[str, Any]]:
    if spec.name == "applications":  # a call's page: the export names the call
        call = world.home.call
        return reverse(spec.page, kwargs={"pk": call.pk}), {"call": call.pk}
    return reverse(spec.page), {}


def page_count(response: Any) -> int:
    context = response.context
    return len(context["instructors"]) if "instructors" in context else context["page"].count


def export(client: Client, name: str, fmt: str, **params: Any) -> Any:
    return client.get(reverse("exchange:export_list", args=[name]), {**params, "format": fmt})


@pytest.mark.parametrize("who", CAST)
def test_every_list_exports_the_rows_its_page_lists_in_both_formats(
    who: str, world: World, request: pytest.FixtureRequest
) -> None:
    client = signed_in(request.getfixturevalue(who))
    exported = 0
    for spec in SPECS.values():
        url, params = page_and_params(spec, world)
        page = client.get(url, params)
        for fmt in ("csv", "xlsx"):
            response = export(client, spec.name, fmt, **params)
            if page.status_code in (403, 404):  # a call the companion does not see: 404 on the page
                assert response.status_code in (403, 404), f"{who} may not see {spec.name} but exported it"
                continue
            assert page.status_code == 200, f"{url} as {who}: {page.status_code}"
            assert response.status_code == 200, f"{spec.name}.{fmt} as {who}: {response.status_code}"
            rows = read(response, fmt)
            assert rows[0] == [str(column.header) for column in spec.columns], f"{spec.name}.{fmt} headers"
            assert len(rows) - 1 == page_count(page), f"{spec.name}.{fmt} as {who}: rows differ from the page"
            exported += 1
    assert exported >= 10  # every role of the cast exports several lists


@pytest.mark.parametrize("who", ["surabaya_officer", "auditor", "companion_user"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_export_shows_a_row_of_another_regency_even_with_forged_filters(
    who: str, fmt: str, world: World, request: pytest.FixtureRequest
) -> None:
    client = signed_in(request.getfixturevalue(who))
    secrets = world.away.secrets()
    for spec in SPECS.values():
        _, params = page_and_params(spec, world)
        for forged in ({}, {"regency": "35.07", "kecamatan": "35.07.01", "desa": "35.07.01.2001", "page_size": 10**6}):
            response = export(client, spec.name, fmt, **params, **forged)
            if response.status_code != 200:
                continue
            text = "\n".join(str(cell) for row in read(response, fmt) for cell in row)
            assert not [s for s in secrets if s and s in text], f"{spec.name}.{fmt} as {who} shows Malang rows"


def test_the_leak_check_sees_malang_rows_where_they_are_in_scope(world: World, admin: User) -> None:
    text = "\n".join(str(cell) for row in read(export(signed_in(admin), "families", "xlsx"), "xlsx") for cell in row)
    assert world.away.family.nik in text and "Xmalang" in text  # the control of the test above


def test_a_companion_exports_the_families_and_kube_of_their_own_kube_only(world: World, companion_user: User) -> None:
    client = signed_in(companion_user)
    families = read(export(client, "families", "csv"), "csv")[1:]
    assert sorted(row[2] for row in families) == [f"Xsurabaya Anggota {i}" for i in range(6)]
    groups = read(export(client, "groups", "xlsx"), "xlsx")[1:]
    assert [row[1] for row in groups] == ["KUBE Xsurabaya"]


def test_the_page_filters_narrow_the_export(world: World, surabaya_officer: User) -> None:
    client = signed_in(surabaya_officer)
    found = read(export(client, "families", "csv", q="Anggota 3"), "csv")[1:]
    assert [row[2] for row in found] == ["Xsurabaya Anggota 3"]
    assert read(export(client, "grants", "csv", year=1999), "csv")[1:] != []  # an invalid year filters nothing
    assert read(export(client, "grants", "csv", year=2023), "csv")[1:] == []
    assert len(read(export(client, "grants", "csv", year=2024), "csv")[1:]) == 1


def test_an_auditor_gets_masked_numbers_and_no_audit_entry(world: World, auditor: User) -> None:
    before = AuditEntry.objects.count()
    rows = read(export(signed_in(auditor), "families", "xlsx"), "xlsx")[1:]
    nik = world.home.family.nik
    assert nik[:4] + "********" + nik[-4:] in [row[0] for row in rows]
    assert not any(nik == row[0] or world.home.family.kk_number == row[1] for row in rows)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_officer_gets_full_numbers_and_one_audit_entry_per_export(
    fmt: str, world: World, surabaya_officer: User
) -> None:
    before = AuditEntry.objects.count()
    response = export(signed_in(surabaya_officer), "families", fmt, q="Xsurabaya", status="active", page=3)
    rows = read(response, fmt)[1:]
    assert (world.home.family.nik, world.home.family.kk_number) in [(row[0], row[1]) for row in rows]
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.actor, entry.door) == ("reveal", surabaya_officer, "web")
    assert entry.changes["export"] == [None, "families"]
    assert entry.changes["rows"] == [None, len(rows)]
    assert entry.changes["filters"] == [None, {"q": "Xsurabaya", "status": "active"}]


def test_lists_without_numbers_write_no_audit_entry(world: World, surabaya_officer: User) -> None:
    before = AuditEntry.objects.count()
    assert export(signed_in(surabaya_officer), "groups", "xlsx").status_code == 200
    assert AuditEntry.objects.count() == before


def test_the_file_is_named_after_the_list_and_the_day(world: World, admin: User) -> None:
    client = signed_in(admin)
    xlsx, csv_file = export(client, "groups", "xlsx"), export(client, "groups", "csv")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    for response, ext in ((xlsx, "xlsx"), (csv_file, "csv")):
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename=") and disposition.rstrip('"').endswith(f".{ext}")
        assert "groups-20" in disposition and disposition.isascii()
        assert response["Cache-Control"] == "no-store"
    assert content(csv_file).startswith("\ufeff".encode())


def test_an_unknown_list_is_not_found(admin: User) -> None:
    assert export(signed_in(admin), "passwords", "csv").status_code == 404


def test_an_unknown_format_is_refused_with_a_message(world: World, admin: User) -> None:
    response = export(signed_in(admin), "families", "pdf")
    assert response.status_code == 400
    assert "choose csv or xlsx" in response.content.decode()


def test_the_evaluator_exports_no_list_and_roles_without_the_page_are_refused(
    world: World, evaluator: User, auditor: User, companion_user: User
) -> None:
    assert export(signed_in(evaluator), "families", "csv").status_code == 403
    assert export(signed_in(evaluator), "studies", "csv").status_code == 403  # the page: yes; exports: no
    assert export(signed_in(companion_user), "companions", "csv").status_code == 403  # companion.view
    assert export(signed_in(auditor), "complaints", "csv").status_code == 200


def test_applications_need_a_call_the_user_sees(world: World, malang_officer: User, surabaya_officer: User) -> None:
    client = signed_in(surabaya_officer)
    for missing in ({}, {"call": "x"}, {"call": "-1"}):
        refused = export(client, "applications", "csv", **missing)
        assert refused.status_code == 400 and "?call=" in refused.content.decode()
    assert export(client, "applications", "csv", call=world.away.call.pk).status_code == 404  # not in scope
    rows = read(export(client, "applications", "csv", call=world.home.call.pk), "csv")[1:]
    assert [row[2] for row in rows] == ["Xsurabaya Pendaftar"]
    # A province-wide call recruiting in both regencies: the officer sees only their regency's applicants.
    away = read(export(signed_in(malang_officer), "applications", "csv", call=world.home.call.pk), "csv")
    assert all("Xsurabaya" not in cell for row in away for cell in row)


def test_an_anonymous_visitor_is_sent_to_the_login(world: World) -> None:
    response = Client().get(reverse("exchange:export_list", args=["families"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Family.objects.exists()


def test_exports_are_rate_limited_per_user_with_a_clear_message(world: World, settings: Any, admin: User) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_EXPORT": "2/min"}
    client = signed_in(admin)
    assert [export(client, "groups", "csv").status_code for _ in range(2)] == [200, 200]
    refused = export(client, "groups", "csv")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many exports" in refused.content.decode()


def test_the_list_page_links_to_its_export_with_its_filters(world: World, surabaya_officer: User) -> None:
    page = signed_in(surabaya_officer).get(reverse("registry:family_list"), {"q": "Xsurabaya", "status": "active"})
    html = page.content.decode()
    url = reverse("exchange:export_list", args=["families"])
    assert f'href="{url}?q=Xsurabaya&amp;status=active&amp;format=xlsx"' in html
    assert f'href="{url}?q=Xsurabaya&amp;status=active&amp;format=csv"' in html


def test_the_applications_page_link_names_its_call(world: World, surabaya_officer: User) -> None:
    call = world.home.call
    html = signed_in(surabaya_officer).get(reverse("companions:application_list", args=[call.pk])).content.decode()
    assert f"?call={call.pk}&amp;format=csv" in html


def test_no_export_link_for_a_role_that_may_not_export(world: World, evaluator: User) -> None:
    html = signed_in(evaluator).get(reverse("evaluation:study_list")).content.decode()
    assert "/exchange/export/" not in html
