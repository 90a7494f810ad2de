"""The visit pages through the test client: the phone form, "my visits" with open follow-ups first, one visit,
closing follow-ups, deleting, the frequency page, and the panels on the KUBE and companion pages."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.models import Companion, FollowUp, Visit
from pendamping.companions.services.visits import visit_record
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.companions.views.visits import companion_panel, group_panel
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, kube_with_members, village

pytestmark = pytest.mark.django_db

NEW = reverse("companions:visit_new")
LIST = reverse("companions:visit_list")
FREQUENCY = reverse("companions:visit_frequency")
TODAY = timezone.localdate()


@pytest.fixture
def mine(companion_user: User) -> Companion:
    return CompanionFactory(user=companion_user, name="Ani Lestari", home_desa=village(SURABAYA_VILLAGE))


def kube(companion: Companion | None, name: str) -> Group:
    group = kube_with_members(6, desa=village(SURABAYA_VILLAGE), name=name)
    AssignmentFactory(group=group, **({"companion": companion} if companion else {}), started_on=dt.date(2024, 1, 1))
    return group


@pytest.fixture
def melati(mine: Companion) -> Group:
    return kube(mine, "KUBE Melati")


@pytest.fixture
def phone(client_for: Callable[..., Client], companion_user: User) -> Client:
    return client_for(companion_user)


def form_data(group: Group, **overrides: Any) -> dict[str, Any]:
    return {
        "group": group.pk,
        "on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "roles": ["motivator", "facilitator"],
        "topics": ["bookkeeping"],
        "members_present": "5",
        "problems": "Kas belum dicatat",
        "follow_up_1": "Cek buku kas",
        "follow_up_1_due": (TODAY + dt.timedelta(days=7)).isoformat(),
        "client_key": "k3y-0000-aaaa",
        **overrides,
    }


# --- the phone form ---------------------------------------------------------------------------------------------


def test_the_phone_form_has_the_inputs_of_a_one_minute_visit(phone: Client, melati: Group) -> None:
    page = phone.get(NEW).content.decode()

    assert f'<option value="{melati.pk}" selected>KUBE Melati</option>' in page  # the only KUBE, preselected
    assert re.search(rf'<input type="date" name="on" value="{TODAY.isoformat()}"[^>]*max="{TODAY.isoformat()}"', page)
    assert len(re.findall(r'<input type="checkbox" name="roles"', page)) == 3
    assert len(re.findall(r'<input type="checkbox" name="topics"', page)) == len(Visit.Topic.values)
    assert re.search(r'<input type="number" name="members_present"[^>]*inputmode="numeric"', page)
    assert all(f'name="follow_up_{n}"' in page and f'name="follow_up_{n}_due"' in page for n in (1, 2, 3))
    assert 'name="follow_up_4"' not in page
    key = re.search(r'<input type="hidden" name="client_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    assert key.group(1) not in phone.get(NEW).content.decode()  # a new key with every rendered form


def test_a_kube_not_theirs_is_not_even_listed(phone: Client, melati: Group) -> None:
    other = kube(None, "KUBE Orang Lain")
    ended = kube(None, "KUBE Dulu")

    page = phone.get(NEW).content.decode()

    assert "KUBE Orang Lain" not in page and "KUBE Dulu" not in page
    response = phone.post(NEW, form_data(other))
    assert response.status_code == 200 and response.context["form"].errors["group"]
    assert not Visit.objects.exists()
    assert ended.pk not in [g.pk for g in response.context["form"].fields["group"].queryset]


def test_with_two_kube_none_is_preselected_unless_coming_from_the_kube(phone: Client, mine: Companion) -> None:
    first, second = kube(mine, "KUBE Anggrek"), kube(mine, "KUBE Bougenvil")

    page = phone.get(NEW).content.decode()
    assert f'<option value="{first.pk}" selected>' not in page and f'<option value="{second.pk}" selected>' not in page
    page = phone.get(NEW, {"group": second.pk}).content.decode()
    assert f'<option value="{second.pk}" selected>' in page and f'<option value="{first.pk}">' in page


def test_recording_a_visit_leads_to_it(phone: Client, melati: Group, mine: Companion) -> None:
    response = phone.post(NEW, form_data(melati))

    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("companions:visit_detail", args=[visit.pk])
    assert (visit.companion, visit.roles(), visit.members_present) == (mine, ["motivator", "facilitator"], 5)
    assert [(f.action, f.due_on) for f in visit.follow_ups.all()] == [("Cek buku kas", TODAY + dt.timedelta(days=7))]


def test_a_double_submit_creates_one_visit(phone: Client, melati: Group) -> None:
    first = phone.post(NEW, form_data(melati))
    second = phone.post(NEW, form_data(melati))

    assert Visit.objects.count() == 1 and FollowUp.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"on": (TODAY + dt.timedelta(days=1)).isoformat()}, "on", "A visit cannot be dated in the future."),
        ({"roles": []}, "roles", "Tick at least one role the visit served."),
        ({"members_present": "7"}, "members_present", "between 0 and 6"),
        ({"follow_up_1_due": ""}, "follow_up_1_due", "Give the date this action is due."),
        ({"follow_up_1": ""}, "follow_up_1", "Describe the action, or clear its date."),
    ],
)
def test_bad_visit_input_gets_a_message_and_writes_nothing(
    phone: Client, melati: Group, change: dict[str, Any], field: str, message: str
) -> None:
    response = phone.post(NEW, form_data(melati, **change))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Visit.objects.exists()


def test_officers_and_auditors_do_not_record_visits(
    client_for: Callable[..., Client], surabaya_officer: User, auditor: User
) -> None:
    assert client_for(surabaya_officer).get(NEW).status_code == 403
    assert client_for(auditor).get(NEW).status_code == 403


def test_an_admin_records_from_the_kube_page_for_its_companion(
    client_for: Callable[..., Client], admin: User, melati: Group, mine: Companion
) -> None:
    client = client_for(admin)
    assert "Open the page of a KUBE" in client.get(NEW).content.decode()

    response = client.post(f"{NEW}?group={melati.pk}", form_data(melati))

    assert response.status_code == 302
    assert (Visit.objects.get().companion, Visit.objects.get().created_by) == (mine, admin)


# --- my visits, a visit, follow-ups --------------------------------------------------------------------------------


def recorded(user: User | None, group: Group, *, days_ago: int = 3, **extra: Any) -> Visit:
    return visit_record(
        actor=user,
        group=group,
        on=TODAY - dt.timedelta(days=days_ago),
        roles=["resource"],
        topics=["marketing", "iks"],
        members_present=4,
        **extra,
    )


def test_my_visits_show_open_follow_ups_first(phone: Client, companion_user: User, melati: Group) -> None:
    recorded(companion_user, melati, follow_ups=[("Cek kas", TODAY - dt.timedelta(days=1))])

    page = phone.get(LIST).content.decode()

    assert "My visits" in page
    assert page.index("Open follow-ups") < page.index("Cek kas") < page.index('id="visits-heading"')
    assert "overdue" in page and ">Done</button>" in page


def test_a_follow_up_shows_until_it_is_done(phone: Client, companion_user: User, melati: Group) -> None:
    visit = recorded(companion_user, melati, follow_ups=[("Cek kas", TODAY)])
    follow_up = visit.follow_ups.get()

    response = phone.post(
        reverse("companions:followup_done", args=[follow_up.pk]), {"done_on": TODAY.isoformat(), "next": LIST}
    )

    assert response.status_code == 302 and response["Location"] == LIST
    follow_up.refresh_from_db()
    assert follow_up.done_on == TODAY
    page = phone.get(LIST).content.decode()
    assert "Cek kas" not in page[page.index('id="open-heading"') : page.index('id="visits-heading"')]


def test_closing_refuses_bad_dates_and_an_unsafe_return_address(
    phone: Client, companion_user: User, melati: Group
) -> None:
    visit = recorded(companion_user, melati, follow_ups=[("Cek kas", TODAY)])
    url = reverse("companions:followup_done", args=[visit.follow_ups.get().pk])

    response = phone.post(url, {"done_on": "2001-01-01", "next": "https://evil.example/"}, follow=True)

    assert "cannot be done before the visit" in response.content.decode()
    assert response.redirect_chain[0][0] == reverse("companions:visit_detail", args=[visit.pk])
    assert visit.follow_ups.get().done_on is None


def test_a_visit_page_shows_what_was_recorded(phone: Client, companion_user: User, melati: Group) -> None:
    visit = recorded(companion_user, melati, problems="Bahan baku mahal", follow_ups=[("Cari pemasok", TODAY)])

    page = phone.get(reverse("companions:visit_detail", args=[visit.pk])).content.decode()

    assert "KUBE Melati" in page and "Bahan baku mahal" in page and "Cari pemasok" in page
    assert "marketing" in page and "IKS (solidarity fund)" in page and "resource person" in page
    assert "Delete this visit" in page


def test_the_author_deletes_a_fresh_visit(phone: Client, companion_user: User, melati: Group) -> None:
    visit = recorded(companion_user, melati)

    response = phone.post(reverse("companions:visit_delete", args=[visit.pk]))

    assert response.status_code == 302 and response["Location"] == LIST
    assert not Visit.objects.exists()


def test_an_old_visit_offers_no_delete_and_refuses_one(phone: Client, companion_user: User, melati: Group) -> None:
    visit = recorded(companion_user, melati)
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    url = reverse("companions:visit_detail", args=[visit.pk])

    assert "Delete this visit" not in phone.get(url).content.decode()
    response = phone.post(reverse("companions:visit_delete", args=[visit.pk]), follow=True)
    assert "within 24 hours" in response.content.decode() and Visit.objects.exists()


def test_another_companions_visit_is_not_found(
    client_for: Callable[..., Client], companion_user: User, melati: Group, admin: User
) -> None:
    theirs = kube(None, "KUBE Lain")
    visit = recorded(admin, theirs, companion=theirs.assignments.get().companion)
    client = client_for(companion_user)

    assert client.get(reverse("companions:visit_detail", args=[visit.pk])).status_code == 404
    assert client.post(reverse("companions:visit_delete", args=[visit.pk])).status_code == 404
    assert "KUBE Lain" not in client.get(LIST).content.decode()


def test_the_auditor_reads_visits_but_closes_nothing(
    client_for: Callable[..., Client], auditor: User, companion_user: User, melati: Group
) -> None:
    visit = recorded(companion_user, melati, follow_ups=[("Cek kas", TODAY)])
    client = client_for(auditor)

    page = client.get(LIST).content.decode()
    assert "KUBE Melati" in page and "Mark as done" not in page
    url = reverse("companions:followup_done", args=[visit.follow_ups.get().pk])
    assert client.post(url, {"done_on": TODAY.isoformat()}).status_code == 403
    assert visit.follow_ups.get().done_on is None


# --- officers: lists and frequency -----------------------------------------------------------------------------------


def test_an_officer_filters_visits_by_companion(
    client_for: Callable[..., Client], surabaya_officer: User, companion_user: User, melati: Group, mine: Companion
) -> None:
    recorded(companion_user, melati)
    client = client_for(surabaya_officer)

    assert "KUBE Melati" in client.get(LIST, {"companion": mine.pk}).content.decode()
    assert "KUBE Melati" not in client.get(LIST, {"companion": mine.pk + 999}).content.decode()


def test_the_frequency_page_per_companion_and_per_kube(
    client_for: Callable[..., Client], surabaya_officer: User, companion_user: User, melati: Group
) -> None:
    recorded(companion_user, melati, days_ago=40)
    client = client_for(surabaya_officer)

    page = client.get(FREQUENCY, {"months": "6"}).content.decode()
    assert "Ani Lestari" in page and "Per regency" in page
    assert "The last 6 complete months" in page
    groups = client.get(FREQUENCY, {"by": "group"})
    assert groups.status_code == 200 and "KUBE Melati" in groups.content.decode()
    assert [g.name for g in groups.context["page"].items] == ["KUBE Melati"]


def test_the_frequency_page_lists_active_companions_by_default(
    client_for: Callable[..., Client], surabaya_officer: User, mine: Companion
) -> None:
    CompanionFactory(name="Calon Baru", home_desa=village(SURABAYA_VILLAGE), status="candidate")
    client = client_for(surabaya_officer)

    assert [c.name for c in client.get(FREQUENCY).context["page"].items] == ["Ani Lestari"]
    assert "Calon Baru" in client.get(FREQUENCY, {"status": ""}).content.decode()


# --- panels ------------------------------------------------------------------------------------------------------


def panel_request(user: User) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_kube_page_shows_its_visits_and_a_record_button_for_its_companion(
    client_for: Callable[..., Client], companion_user: User, surabaya_officer: User, melati: Group
) -> None:
    recorded(companion_user, melati, follow_ups=[("Cek kas", TODAY)])

    page = client_for(companion_user).get(reverse("registry:group_detail", args=[melati.pk])).content.decode()
    assert "Companion visits" in page and f'{NEW}?group={melati.pk}"' in page and "Cek kas" in page

    html = group_panel(panel_request(surabaya_officer), melati)
    assert "Companion visits" in html and "Cek kas" in html and f"{NEW}?group=" not in html


def test_the_companion_panel_shows_visits_per_month_and_open_follow_ups(
    client_for: Callable[..., Client],
    surabaya_officer: User,
    companion_user: User,
    melati: Group,
    mine: Companion,
    evaluator: User,
) -> None:
    recorded(companion_user, melati, days_ago=0, follow_ups=[("Rapat anggota", TODAY)])
    page = client_for(surabaya_officer).get(reverse("companions:companion_detail", args=[mine.pk])).content.decode()
    assert "Visits per month" in page and "Rapat anggota" in page

    html = companion_panel(panel_request(surabaya_officer), mine)

    assert "Visits per month" in html and "Rapat anggota" in html
    assert re.search(r'<td class="num">1</td>', html)
    assert companion_panel(panel_request(evaluator), mine) == ""


def queries(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_list_and_frequency_pages_issue_the_same_queries_for_few_and_many_rows(
    client_for: Callable[..., Client], surabaya_officer: User, companion_user: User, melati: Group, mine: Companion
) -> None:
    client = client_for(surabaya_officer)
    recorded(companion_user, melati, follow_ups=[("Cek kas", TODAY)])
    few = [queries(client, LIST), queries(client, FREQUENCY), queries(client, FREQUENCY, {"by": "group"})]
    for n in range(6):
        other = CompanionFactory(home_desa=village(SURABAYA_VILLAGE))
        group = kube(other, f"KUBE Tambahan {n}")
        recorded(None, group, companion=other, follow_ups=[("Rapat", TODAY)])  # the system, as an import would
    many = [queries(client, LIST), queries(client, FREQUENCY), queries(client, FREQUENCY, {"by": "group"})]

    assert many == few
