"""The list of applications across calls (companions:application_all), the list behind the dashboards'
"Applications received" and "Applications accepted": each filter of the contract on its own and combined, the
dates taken on the local (WIB) date of receipt at both ends, the officer's scope that no filter widens,
malformed filters ignored, the roles without recruitment refused, and the page in both languages.

The cast of applications (times in WIB, Asia/Jakarta, UTC+7):

    Eka    call B  Surabaya  Karang Pilang  2026-06-30 23:30  submitted  (the day before the quarter)
    Ani    call A  Surabaya  Karang Pilang  2026-07-01 00:30  submitted  (still 30 June in UTC)
    Budi   call A  Surabaya  Wonocolo       2026-07-15 10:00  accepted
    Dewi   call A  Malang    Donomulyo      2026-08-01 09:00  accepted
    Fajar  call A  Malang    Karang Pilang  2026-08-10 09:00  submitted  (lives in Surabaya, applied for Malang)
    Citra  call B  Surabaya  Karang Pilang  2026-09-30 23:30  submitted  (the quarter's last day)
    Gita   call B  Surabaya  Karang Pilang  2026-10-01 03:00  submitted  (the day after; 30 September in UTC)
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.companions.models import Application, Call
from pendamping.companions.tests.test_recruitment_factories import MALANG, SURABAYA, make_call, submit
from pendamping.dashboards.area import area_get
from pendamping.dashboards.indicators.companions import companion_figures
from pendamping.dashboards.period import parse_period

pytestmark = pytest.mark.django_db
URL = "/companions/applications/"
WIB = ZoneInfo("Asia/Jakarta")
KARANG_PILANG, WONOCOLO, DONOMULYO = "35.78.01", "35.78.02", "35.07.01"
EVERYONE = ["Gita", "Citra", "Fajar", "Dewi", "Budi", "Ani", "Eka"]  # newest first


@dataclass
class Cast:
    a: Call
    b: Call
    apps: dict[str, Application]


def _received(call: Call, n: int, name: str, at: dt.datetime, *, regency: str, desa: str, status: str) -> Application:
    application = submit(call, n, regency=regency, desa=desa, name=f"{name} Pelamar")
    # The services stamp today's time and decide only in screening; the list reads the stored row as it is.
    reason = "" if status == Application.Status.SUBMITTED else "Peringkat teratas"
    Application.objects.filter(pk=application.pk).update(created_at=at, status=status, decision_reason=reason)
    application.refresh_from_db()
    return application


@pytest.fixture
def cast(regions: Any) -> Cast:
    a = make_call(quotas={SURABAYA: 3, MALANG: 2}, title="Rekrutmen A")
    b = make_call(quotas={SURABAYA: 3}, title="Rekrutmen B")
    sub, acc = Application.Status.SUBMITTED, Application.Status.ACCEPTED
    rows = [
        ("Eka", b, dt.datetime(2026, 6, 30, 23, 30), SURABAYA, f"{KARANG_PILANG}.1001", sub),
        ("Ani", a, dt.datetime(2026, 7, 1, 0, 30), SURABAYA, f"{KARANG_PILANG}.1001", sub),
        ("Budi", a, dt.datetime(2026, 7, 15, 10, 0), SURABAYA, f"{WONOCOLO}.1001", acc),
        ("Dewi", a, dt.datetime(2026, 8, 1, 9, 0), MALANG, f"{DONOMULYO}.2001", acc),
        ("Fajar", a, dt.datetime(2026, 8, 10, 9, 0), MALANG, f"{KARANG_PILANG}.1003", sub),
        ("Citra", b, dt.datetime(2026, 9, 30, 23, 30), SURABAYA, f"{KARANG_PILANG}.1002", sub),
        ("Gita", b, dt.datetime(2026, 10, 1, 3, 0), SURABAYA, f"{KARANG_PILANG}.1004", sub),
    ]
    apps = {
        name: _received(call, n, name, at.replace(tzinfo=WIB), regency=regency, desa=desa, status=status)
        for n, (name, call, at, regency, desa, status) in enumerate(rows, start=1)
    }
    return Cast(a, b, apps)


def html(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


def names(response: Any) -> list[str]:
    """The applicants listed, in the page's order (each row links the applicant's name to the application)."""
    return re.findall(r'/companions/applications/\d+/" hx-boost="false">(\w+) Pelamar</a>', html(response))


def dates(page: str) -> list[str]:
    return re.findall(r'<td class="nowrap">([0-9/.-]+)</td>', page)


def test_the_url_is_named_application_all() -> None:
    assert reverse("companions:application_all") == URL


def test_the_admin_sees_every_call_newest_first(client_for: Any, admin: User, cast: Cast) -> None:
    response = client_for(admin).get(URL)
    assert names(response) == EVERYONE
    page = html(response)
    ani = cast.apps["Ani"]
    assert "7 results" in page
    assert reverse("companions:application_detail", args=[ani.pk]) in page and ani.reference in page
    assert reverse("companions:call_detail", args=[cast.b.pk]) in page and "Rekrutmen B" in page
    assert "Kabupaten Malang" in page and "Wonocolo" in page and "Kec. Karang Pilang" in page
    # The local (WIB) date of receipt: Ani's 00:30 on 1 July, Gita's 03:00 on 1 October.
    assert dates(page) == [
        "10/01/2026", "09/30/2026", "08/10/2026", "08/01/2026", "07/15/2026", "07/01/2026", "06/30/2026"
    ]  # fmt: skip
    assert all(a.nik not in page for a in cast.apps.values())  # the NIK is not shown at all


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"regency": MALANG}, ["Fajar", "Dewi"]),
        ({"regency": SURABAYA}, ["Gita", "Citra", "Budi", "Ani", "Eka"]),
        # A kecamatan is where the applicant lives, whatever regency they applied for (Fajar: Malang), as the
        # dashboard counts a kecamatan; the dashboard sends the kecamatan's regency along with it.
        ({"regency": SURABAYA, "kecamatan": KARANG_PILANG}, ["Gita", "Citra", "Fajar", "Ani", "Eka"]),
        ({"kecamatan": WONOCOLO}, ["Budi"]),
        ({"desa": f"{KARANG_PILANG}.1001"}, ["Ani", "Eka"]),
        ({"status": "accepted"}, ["Dewi", "Budi"]),
        ({"status": "submitted"}, ["Gita", "Citra", "Fajar", "Ani", "Eka"]),
        ({"received_from": "2026-07-01", "received_to": "2026-09-30"}, ["Citra", "Fajar", "Dewi", "Budi", "Ani"]),
        ({"received_from": "2026-07-01", "received_to": "2026-07-01"}, ["Ani"]),
        ({"received_from": "2026-09-30"}, ["Gita", "Citra"]),
        ({"received_to": "2026-06-30"}, ["Eka"]),
        ({"received_from": "2026-10-02"}, []),
        ({"q": "budi"}, ["Budi"]),
    ],
)
def test_each_filter_narrows_the_list(
    client_for: Any, admin: User, cast: Cast, params: dict[str, str], expected: list[str]
) -> None:
    assert names(client_for(admin).get(URL, params)) == expected


def test_the_call_filter_and_the_search_by_reference_and_nik(client_for: Any, admin: User, cast: Cast) -> None:
    client = client_for(admin)
    assert names(client.get(URL, {"call": cast.b.pk})) == ["Gita", "Citra", "Eka"]
    assert names(client.get(URL, {"call": cast.a.pk})) == ["Fajar", "Dewi", "Budi", "Ani"]
    budi = cast.apps["Budi"]
    assert names(client.get(URL, {"q": budi.reference.lower()})) == ["Budi"]
    assert names(client.get(URL, {"q": budi.nik[:12]})) == ["Budi"]


def test_the_filters_combine(client_for: Any, admin: User, cast: Cast) -> None:
    client = client_for(admin)
    quarter = {"received_from": "2026-07-01", "received_to": "2026-09-30"}
    assert names(client.get(URL, {**quarter, "regency": SURABAYA, "status": "submitted"})) == ["Citra", "Ani"]
    assert names(client.get(URL, {**quarter, "regency": SURABAYA, "status": "submitted", "call": cast.a.pk})) == ["Ani"]
    assert names(client.get(URL, {**quarter, "regency": MALANG, "status": "accepted"})) == ["Dewi"]
    here = {"regency": SURABAYA, "kecamatan": KARANG_PILANG}
    assert names(client.get(URL, {**quarter, **here, "status": "submitted"})) == ["Citra", "Fajar", "Ani"]
    assert names(client.get(URL, {**here, "call": cast.b.pk, "received_to": "2026-09-30"})) == ["Citra", "Eka"]


@pytest.mark.parametrize("code", [SURABAYA, KARANG_PILANG])
def test_the_list_shows_the_number_the_dashboard_counts(client_for: Any, admin: User, cast: Cast, code: str) -> None:
    area = area_get(user=admin, code=code)
    figures = companion_figures(user=admin, area=area, period=parse_period("2026-Q3"))
    pipeline = {f.key: f.value for f in figures.pipeline}
    quarter = {**area.filters, "received_from": "2026-07-01", "received_to": "2026-09-30"}
    client = client_for(admin)
    received = names(client.get(URL, quarter))
    accepted = names(client.get(URL, {**quarter, "status": "accepted"}))
    assert (len(received), len(accepted)) == (pipeline["applications"], pipeline["accepted"])
    assert (len(received), len(accepted)) == {SURABAYA: (3, 1), KARANG_PILANG: (3, 0)}[code]


def test_an_officer_of_surabaya_never_sees_an_application_to_malang(
    client_for: Any, surabaya_officer: User, cast: Cast
) -> None:
    client = client_for(surabaya_officer)
    assert names(client.get(URL)) == ["Gita", "Citra", "Budi", "Ani", "Eka"]
    assert names(client.get(URL, {"regency": MALANG})) == []
    assert names(client.get(URL, {"regency": MALANG, "kecamatan": DONOMULYO})) == []
    assert names(client.get(URL, {"regency": SURABAYA, "kecamatan": KARANG_PILANG})) == ["Gita", "Citra", "Ani", "Eka"]
    assert names(client.get(URL, {"call": cast.a.pk, "status": "accepted"})) == ["Budi"]
    page = html(client.get(URL, {"regency": MALANG}))
    assert "No applications match these filters." in page and "Dewi" not in page and "Fajar" not in page
    assert f'<option value="{MALANG}"' not in page and f'<option value="{SURABAYA}"' in page  # the regency select


def test_the_malang_officer_sees_only_malang(client_for: Any, malang_officer: User, cast: Cast) -> None:
    assert names(client_for(malang_officer).get(URL)) == ["Fajar", "Dewi"]
    assert names(client_for(malang_officer).get(URL, {"call": cast.b.pk})) == []


def test_the_auditor_reads_the_list_of_their_regency(client_for: Any, auditor: User, cast: Cast) -> None:
    assert names(client_for(auditor).get(URL, {"status": "accepted"})) == ["Budi"]


@pytest.mark.parametrize("role", ["companion_user", "evaluator", "norole"])
def test_roles_without_recruitment_are_refused(client_for: Any, request: Any, cast: Cast, role: str) -> None:
    response = client_for(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 403 and "Pelamar" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_list_answers_get_only(client_for: Any, admin: User) -> None:
    assert client_for(admin).post(URL).status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"regency": "35.7"},
        {"regency": "35.78' OR '1'='1"},
        {"regency": "3578"},
        {"kecamatan": "35.78.1"},
        {"kecamatan": "35.78"},  # a regency's code is no kecamatan
        {"kecamatan": "x" * 200},
        {"desa": "35.78.01.1"},
        {"status": "bogus"},
        {"received_from": "2026-13-01"},
        {"received_from": "2026-02-30"},
        {"received_to": "yesterday"},
        {"received_from": "20260701"},  # ISO-8601 basic: not the contract's form
        {"received_from": "0000-01-01"},
        {"call": "abc"},
        {"call": "-1"},
        {"call": "1.5"},
        {"call": "9" * 40},
        {"page": "abc"},
        {"page": "999"},
    ],
)
def test_malformed_filters_are_ignored(client_for: Any, admin: User, cast: Cast, params: dict[str, str]) -> None:
    assert names(client_for(admin).get(URL, params)) == EVERYONE


def test_a_well_formed_filter_of_nothing_lists_nothing(client_for: Any, admin: User, cast: Cast) -> None:
    client = client_for(admin)
    for params in ({"call": "9" * 18}, {"regency": "35.99"}, {"kecamatan": "35.78.99"}, {"received_to": "2000-01-01"}):
        page = html(client.get(URL, params))
        assert "No applications match these filters." in page and "Pelamar" not in page, params
    # An inverted range is empty rather than swapped: the list shows what the link says.
    assert names(client.get(URL, {"received_from": "2026-09-30", "received_to": "2026-07-01"})) == []


def test_the_list_pages_with_its_filters(client_for: Any, admin: User, cast: Cast) -> None:
    client = client_for(admin)
    first = client.get(URL, {"status": "submitted", "page_size": 2})
    assert names(first) == ["Gita", "Citra"] and "5 results" in html(first) and "page 1 of 3" in html(first)
    assert "?status=submitted&amp;page_size=2&amp;page=2" in html(first)
    assert names(client.get(URL, {"status": "submitted", "page_size": 2, "page": 3})) == ["Eka"]


def test_htmx_gets_the_results_only(client_for: Any, admin: User, cast: Cast) -> None:
    response = client_for(admin).get(URL, {"status": "accepted"}, headers={"HX-Request": "true"})
    body = html(response)
    assert names(response) == ["Dewi", "Budi"] and 'id="results"' in body and "<h1>" not in body


def test_the_filter_form_keeps_the_values_and_offers_the_users_choices(
    client_for: Any, admin: User, cast: Cast
) -> None:
    params = {"regency": SURABAYA, "kecamatan": KARANG_PILANG, "received_from": "2026-07-01", "call": cast.b.pk}
    page = html(client_for(admin).get(URL, params))
    assert f'<option value="{KARANG_PILANG}" selected>Karang Pilang</option>' in page
    assert f'<option value="{KARANG_PILANG}.1001">Karang Pilang</option>' in page  # its villages
    assert 'name="received_from" value="2026-07-01"' in page and 'type="date"' in page
    assert f'<option value="{cast.b.pk}" selected>Rekrutmen B</option>' in page
    assert f'<option value="{cast.a.pk}">Rekrutmen A</option>' in page


def test_the_page_reads_in_a_fixed_number_of_queries(client_for: Any, admin: User, regions: Any) -> None:
    client = client_for(admin)
    call = make_call(quotas={SURABAYA: 9, MALANG: 9})
    submit(call, 1)
    client.get(URL)  # warm: the session, the user

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = count()
    for n in range(2, 8):
        submit(call, n, regency=MALANG if n % 2 else SURABAYA)
    assert count() == few


def test_the_call_list_links_to_all_applications(client_for: Any, auditor: User) -> None:
    page = html(client_for(auditor).get(reverse("companions:call_list")))
    assert f'href="{URL}"' in page and "All applications" in page


def test_the_page_reads_in_indonesian_and_english(client_for: Any, admin: User, cast: Cast) -> None:
    client = client_for(admin)
    client.cookies["django_language"] = "id"
    page = html(client.get(URL, {"status": "accepted"}))
    assert "Nomor rujukan" in page and "Pelamar" in page and "Kabupaten/kota yang dilamar" in page
    assert ">diterima</span>" in page and "2 hasil" in page and "Saring" in page
    assert "No applications" not in page and dates(page) == ["01-08-2026", "15-07-2026"]
    empty = html(client.get(URL, {"regency": "35.99"}))
    assert "Tidak ada lamaran yang sesuai dengan filter ini." in empty
    client.cookies["django_language"] = "en"
    page = html(client.get(URL, {"status": "accepted"}))
    assert "All applications" in page and "Reference" in page and "Regency/city applied for" in page
    assert ">accepted</span>" in page and "2 results" in page and "Received from" in page
    assert "Nomor rujukan" not in page
