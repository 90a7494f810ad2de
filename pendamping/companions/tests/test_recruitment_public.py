"""The public recruitment pages, with nobody signed in: the open calls, the form with its defences (too fast,
honeypot, expired stamp, rate limit, a form sent twice), the village selects with and without JavaScript, the
refusals of the rules on the form, and the page with the reference."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.companions.models import Application
from pendamping.companions.tests.test_recruitment_factories import (
    MALANG,
    SURABAYA,
    applicant,
    call_dates,
    make_call,
)
from pendamping.core import antispam
from pendamping.registry.tests.factories import SURABAYA_VILLAGE

pytestmark = pytest.mark.django_db
CALLS = reverse("companions:public_calls")
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_counters(settings: Any) -> None:
    cache.clear()
    settings.PENDAMPING = {**settings.PENDAMPING, "PUBLIC_FORM_LIMIT": 3, "PUBLIC_FORM_WINDOW": 3600}


def url(call: Any) -> str:
    return reverse("companions:public_apply", args=[call.pk])


def form_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A filled form, drawn a minute ago (a person's pace), honeypot empty."""
    fields = applicant(n)
    return {
        **{k: v for k, v in fields.items() if k != "home_desa_code"},
        "regency": SURABAYA,
        "home_regency": SURABAYA,
        "home_kecamatan": SURABAYA_VILLAGE[:8],
        "home_desa": SURABAYA_VILLAGE,
        "consent": "on",
        antispam.STAMP: antispam.form_stamp("application", at=antispam._now() - 60),
        antispam.HONEYPOT: "",
        **overrides,
    }


def html(response: Any) -> str:
    return response.content.decode()


def reference_in(response: Any) -> str:
    found = re.search(r"REK-[2-9A-Z]{8}", html(response))
    assert found, html(response)
    return found.group(0)


def test_the_open_calls_are_listed_for_anyone() -> None:
    open_call = make_call(title="Rekrutmen terbuka", quotas={SURABAYA: 3})
    make_call(title="Rekrutmen konsep", status="draft")
    make_call(title="Rekrutmen seleksi", status="screening")
    page = html(Client().get(CALLS))
    assert "Rekrutmen terbuka" in page and "Kota Surabaya (3)" in page and url(open_call) in page
    assert "Rekrutmen konsep" not in page and "Rekrutmen seleksi" not in page


def test_the_form_opens_without_login_with_the_calls_regencies_and_hidden_defences() -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 1})
    page = html(Client().get(url(call)))
    regency = re.search(r'<select name="regency".*?</select>', page, re.S)
    assert regency and regency.group(0).count('<option value="35.') == 2
    assert page.count('<option value="35.') == 2 + 38  # and every regency of Jawa Timur as the home one
    assert re.search(r'<div hidden>.*?name="website"', page, re.S) and 'type="hidden" name="form_stamp"' in page
    assert 'inputmode="numeric"' in page and 'type="tel"' in page  # a phone's keyboards


def test_a_draft_call_has_no_public_page() -> None:
    assert Client().get(url(make_call(status="draft"))).status_code == 404


def test_a_closed_call_says_when_it_closed_and_offers_no_form() -> None:
    call = call_dates(make_call(), opens_on=TODAY - dt.timedelta(days=20), closes_on=TODAY - dt.timedelta(days=2))
    page = html(Client().get(url(call)))
    assert "Applications closed on" in page and 'name="nik"' not in page
    response = Client().post(url(call), form_data())
    assert "Applications closed on" in html(response) and not Application.objects.exists()


def test_a_call_opening_later_says_when() -> None:
    call = call_dates(make_call(), opens_on=TODAY + dt.timedelta(days=3), closes_on=TODAY + dt.timedelta(days=9))
    assert "Applications open on" in html(Client().get(url(call)))


def test_an_application_is_received_with_its_reference() -> None:
    call = make_call()
    response = Client().post(url(call), form_data())
    assert response.status_code == 200
    reference = reference_in(response)
    application = Application.objects.get(reference=reference)
    assert (application.channel, application.home_desa_id, application.regency_id) == (
        "public",
        SURABAYA_VILLAGE,
        SURABAYA,
    )
    assert application.nik not in html(response) and "What happens next" in html(response)


def test_the_rules_speak_on_the_form_and_nothing_is_stored() -> None:
    call = make_call()
    Client().post(url(call), form_data(1))
    duplicate = Client().post(url(call), form_data(1, name="Orang Lain"))
    assert "already applied to this call" in html(duplicate) and Application.objects.count() == 1
    bad_nik = Client().post(url(call), form_data(2, nik="1234"))
    assert "NIK must have 16 digits" in html(bad_nik)
    no_consent = Client().post(url(call), form_data(3, consent=""))
    assert no_consent.status_code == 200 and Application.objects.count() == 1


def test_a_village_outside_the_chosen_kecamatan_is_not_a_choice() -> None:
    call = make_call()
    response = Client().post(url(call), form_data(home_kecamatan="35.78.02"))
    assert "Select a valid choice" in html(response) and not Application.objects.exists()


def test_the_village_selects_load_their_options_through_htmx() -> None:
    call = make_call()
    client = Client(headers={"HX-Request": "true"})
    kecamatan = html(client.get(url(call), {"home_regency": SURABAYA}))
    assert '<option value="35.78.01">' in kecamatan and 'id="id_home_desa" hx-swap-oob' in kecamatan
    villages = html(client.get(url(call), {"home_kecamatan": SURABAYA_VILLAGE[:8]}))
    assert f'<option value="{SURABAYA_VILLAGE}">' in villages and "hx-swap-oob" not in villages


def test_without_javascript_the_show_button_fills_the_next_select_and_stores_nothing() -> None:
    call = make_call()
    response = Client().post(url(call), {**form_data(), "home_kecamatan": "", "home_desa": "", "refresh": "1"})
    page = html(response)
    assert '<option value="35.78.01" ' not in page  # nothing chosen yet
    assert '<option value="35.78.01">' in page and "This field is required" not in page
    assert not Application.objects.exists()


def test_a_form_sent_at_once_is_refused() -> None:
    call = make_call()
    page = html(Client().get(url(call)))
    stamp = re.search(r'name="form_stamp" value="([^"]+)"', page)
    assert stamp
    response = Client().post(url(call), form_data(**{antispam.STAMP: stamp.group(1)}))
    assert "sent too quickly" in html(response) and not Application.objects.exists()


def test_a_filled_honeypot_is_refused() -> None:
    response = Client().post(url(make_call()), form_data(website="http://murah.example"))
    assert "looks automated" in html(response) and not Application.objects.exists()


def test_an_expired_form_is_refused_and_given_a_fresh_stamp() -> None:
    old = antispam.form_stamp("application", at=antispam._now() - antispam.MAX_AGE - 60)
    response = Client().post(url(make_call()), form_data(**{antispam.STAMP: old}))
    assert "expired" in html(response) and old not in html(response) and not Application.objects.exists()


def test_a_stamp_of_another_form_is_refused() -> None:
    stamp = antispam.form_stamp("complaint", at=antispam._now() - 60)
    response = Client().post(url(make_call()), form_data(**{antispam.STAMP: stamp}))
    assert "could not be checked" in html(response) and not Application.objects.exists()


def test_a_client_past_the_limit_is_told_to_wait() -> None:
    call = make_call(quotas={SURABAYA: 9})
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(1, 4):
        assert client.post(url(call), form_data(n)).status_code == 200
    refused = client.post(url(call), form_data(4))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many submissions" in html(refused) and Application.objects.count() == 3
    assert Client(REMOTE_ADDR="10.0.0.8").post(url(call), form_data(5)).status_code == 200


def test_a_form_sent_twice_gives_the_first_reference_back() -> None:
    call = make_call()
    data = form_data()
    first = reference_in(Client().post(url(call), data))
    again = Client().post(url(call), data)
    assert reference_in(again) == first and Application.objects.count() == 1


def test_a_refused_form_can_be_corrected_and_sent_again() -> None:
    call = make_call()
    data = form_data(phone="123")
    assert "9-15 digits" in html(Client().post(url(call), data))
    assert reference_in(Client().post(url(call), {**data, "phone": "081234567890"}))


def test_an_htmx_visit_without_a_select_gets_the_whole_page() -> None:
    call = make_call()
    page = html(Client(headers={"HX-Request": "true"}).get(url(call)))
    assert 'name="form_stamp"' in page and "<html" in page
