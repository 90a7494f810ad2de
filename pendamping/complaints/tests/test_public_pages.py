"""The public complaint pages, with nobody signed in: the form with its defences (too fast, honeypot, rate
limit, a form sent twice), the page with the reference, and the status lookup that never shows who complained.
"""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pendamping.complaints.models import Complaint
from pendamping.complaints.services import complaint_set_status
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.core import antispam
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
NEW, STATUS = reverse("complaints:public_new"), reverse("complaints:public_status")
NAME, CONTACT = "Siti Pelapor", "0812-1111-2222"


@pytest.fixture(autouse=True)
def _fresh_counters(settings: Any) -> None:
    cache.clear()
    settings.PENDAMPING = {**settings.PENDAMPING, "PUBLIC_FORM_LIMIT": 3, "PUBLIC_FORM_WINDOW": 3600}


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera")


def form_data(**overrides: Any) -> dict[str, Any]:
    """A filled form, drawn a minute ago (a person's pace), honeypot empty."""
    return {
        "regency": "35.78",
        "subject": "group",
        "group_code": "",
        "subject_text": "KUBE Sejahtera",
        "category": "funds",
        "description": "Ketua menjual kambing bantuan tanpa musyawarah.",
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        antispam.STAMP: antispam.form_stamp("complaint", at=antispam._now() - 60),
        antispam.HONEYPOT: "",
        **overrides,
    }


def reference_in(response: Any) -> str:
    found = re.search(r"ADU-[2-9A-Z]{8}", response.content.decode())
    assert found, response.content.decode()
    return found.group(0)


def test_the_form_opens_without_login_with_every_regency_and_hidden_defences() -> None:
    response = Client().get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<option value="35.') == 38  # the regencies and cities of Jawa Timur
    assert re.search(r'<div hidden>.*?name="website"', html, re.S)
    assert 'type="hidden" name="form_stamp"' in html


def test_the_form_follows_the_site_language(settings: Any) -> None:
    settings.LANGUAGE_CODE = "id"
    assert '<html lang="id"' in Client().get(NEW).content.decode()


def test_a_complaint_is_received_with_its_reference_and_what_happens_next(group: Group) -> None:
    response = Client().post(NEW, form_data(group_code=group.code))
    assert response.status_code == 200
    reference = reference_in(response)
    complaint = Complaint.objects.get(reference=reference)
    assert (complaint.group, complaint.complainant_name, complaint.channel) == (group, NAME, "public")
    html = response.content.decode()
    assert "within 14 days" in html and f"{STATUS}?reference={reference}" in html
    assert NAME not in html and CONTACT not in html


def test_a_form_sent_at_once_is_refused_and_nothing_is_stored() -> None:
    client = Client()
    page = client.get(NEW).content.decode()
    stamp = re.search(r'name="form_stamp" value="([^"]+)"', page)
    assert stamp
    response = client.post(NEW, form_data(**{antispam.STAMP: stamp.group(1)}))
    assert response.status_code == 200 and "sent too quickly" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_filled_honeypot_is_refused_and_nothing_is_stored() -> None:
    response = Client().post(NEW, form_data(website="http://cheap-pills.example"))
    assert "looks automated" in response.content.decode() and not Complaint.objects.exists()


def test_an_expired_form_is_refused_and_given_a_fresh_stamp() -> None:
    old = antispam.form_stamp("complaint", at=antispam._now() - antispam.MAX_AGE - 60)
    response = Client().post(NEW, form_data(**{antispam.STAMP: old}))
    html = response.content.decode()
    assert "expired" in html and old not in html and 'name="form_stamp"' in html
    assert not Complaint.objects.exists()


def test_a_client_past_the_limit_is_told_to_wait_and_others_are_not() -> None:
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(3):
        assert client.post(NEW, form_data()).status_code == 200
    refused = client.post(NEW, form_data())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many submissions" in refused.content.decode()
    assert Complaint.objects.count() == 3
    assert Client(REMOTE_ADDR="10.0.0.6").post(NEW, form_data()).status_code == 200
    assert Complaint.objects.count() == 4


def test_refused_forms_do_not_use_up_the_limit() -> None:
    client = Client()
    for _ in range(5):
        client.post(NEW, form_data(description="x"))  # too short: the person corrects it
    assert client.post(NEW, form_data()).status_code == 200 and Complaint.objects.count() == 1


def test_the_same_form_sent_three_times_makes_one_complaint() -> None:
    """A phone resends after a timeout: the same stamp gives the first reference back."""
    client, data = Client(), form_data()
    references = {reference_in(client.post(NEW, data)) for _ in range(3)}
    assert len(references) == 1 and Complaint.objects.count() == 1


def test_a_wrong_kube_code_can_be_corrected_and_sent_again(group: Group) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE))
    client, data = Client(), form_data(group_code=malang.code)
    response = client.post(NEW, data)
    assert "No KUBE has the code" in response.content.decode() and not Complaint.objects.exists()
    corrected = client.post(NEW, {**data, "group_code": group.code})
    assert Complaint.objects.get(reference=reference_in(corrected)).group == group


def test_ticking_anonymous_drops_the_name_and_contact() -> None:
    response = Client().post(NEW, form_data(anonymous="on"))
    complaint = Complaint.objects.get(reference=reference_in(response))
    assert complaint.anonymous and (complaint.complainant_name, complaint.complainant_contact) == ("", "")


def test_the_form_needs_a_csrf_token_which_the_page_gives() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(NEW, form_data()).status_code == 403
    page = client.get(NEW).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    response = client.post(NEW, {**form_data(), "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200 and Complaint.objects.count() == 1


# --- the status page --------------------------------------------------------------------------------------


def test_the_status_page_shows_progress_but_never_who_complained_or_what_they_wrote(
    admin: Any, surabaya_officer: Any, group: Group
) -> None:
    complaint = ComplaintFactory(group=group, assigned_to=surabaya_officer, subject_text="Pak Ketua Budi")
    complaint_set_status(
        actor=admin, complaint=complaint, status="resolved", resolution="Dana sudah dikembalikan.", version=1
    )
    response = Client().get(STATUS, {"reference": complaint.reference.lower()})
    html = response.content.decode()
    assert response.status_code == 200 and complaint.reference in html
    assert "Resolved" in html.title() and "Dana sudah dikembalikan." in html
    for private in (NAME, CONTACT, complaint.description, "Pak Ketua Budi", group.name, surabaya_officer.username):
        assert private not in html, private


def test_an_unknown_reference_says_so() -> None:
    response = Client().get(STATUS, {"reference": "ADU-22222222"})
    assert response.status_code == 200 and "No complaint has this reference number" in response.content.decode()


def test_lookups_are_rate_limited_but_the_empty_page_is_not(group: Group) -> None:
    reference, client = ComplaintFactory(group=group).reference, Client()
    for _ in range(5):
        assert client.get(STATUS).status_code == 200
    for _ in range(3):
        assert client.get(STATUS, {"reference": "ADU-22222222"}).status_code == 200
    refused = client.get(STATUS, {"reference": reference})
    assert refused.status_code == 429 and 'id="found-heading"' not in refused.content.decode()
    assert 'id="found-heading"' in Client(REMOTE_ADDR="10.0.0.9").get(STATUS, {"reference": reference}).content.decode()


def test_the_public_pages_take_no_other_methods() -> None:
    assert Client().delete(NEW).status_code == 405 and Client().post(STATUS).status_code == 405
