"""Internship pages through the client: the admin runs a round end to end (create, trainees, hosts, propose,
swap, confirm, assess, complete); the trainee keeps their logbook from a phone; officers read their regency's
trainees only; the panels on the companion and KUBE pages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.companions.models import Companion, InternshipRound, Placement
from pendamping.companions.services.internship import round_add_hosts, round_add_trainees, round_propose
from pendamping.companions.tests.test_internship_services import (
    END,
    GOOD,
    OTHER_KECAMATAN,
    START,
    draft_round,
    outstanding_kube,
    running_placement,
    trainee,
)
from pendamping.registry.tests.factories import MALANG_VILLAGE

pytestmark = pytest.mark.django_db
Clients = Callable[..., Client]


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_admin_creates_a_round(admin: User, client_for: Clients) -> None:
    client = client_for(admin)
    assert client.get("/companions/internship/new/").status_code == 200
    data = {"title": "Magang Juli", "starts_on": START, "ends_on": END, "default_capacity": 2}
    response = client.post("/companions/internship/new/", data)
    rnd = InternshipRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/companions/internship/{rnd.pk}/"
    bad = client.post("/companions/internship/new/", {**data, "ends_on": START.replace(day=1).replace(month=6)})
    assert bad.status_code == 200 and "The round ends before it starts." in bad.content.decode()


def test_the_admin_picks_trainees_and_hosts_with_checkboxes(admin: User, client_for: Clients) -> None:
    client, rnd = client_for(admin), draft_round(admin)
    ani, not_ready = trainee("Ani"), trainee("Belum Selesai", completed=False)
    page = client.get(f"/companions/internship/{rnd.pk}/trainees/").content.decode()
    assert "Ani" in page and "Belum Selesai" not in page  # only trainees who completed a briefing are offered
    response = client.post(f"/companions/internship/{rnd.pk}/trainees/", {"action": "add", "companions": [ani.pk]})
    assert response.status_code == 302 and rnd.placements.get().companion == ani
    forged = client.post(f"/companions/internship/{rnd.pk}/trainees/", {"action": "add", "companions": [not_ready.pk]})
    assert forged.status_code == 200 and rnd.placements.count() == 1
    kube = outstanding_kube("KUBE Berprestasi")
    hosts = client.get(f"/companions/internship/{rnd.pk}/hosts/").content.decode()
    assert "KUBE Berprestasi" in hosts
    response = client.post(
        f"/companions/internship/{rnd.pk}/hosts/", {f"host_{kube.pk}": "on", f"capacity_{kube.pk}": 3}
    )
    assert response.status_code == 302 and rnd.hosts.get().capacity == 3
    client.post(f"/companions/internship/{rnd.pk}/hosts/", {})  # unticked: no longer a host
    assert not rnd.hosts.exists()


def test_proposing_shows_each_pair_with_its_score_and_reasons(admin: User, client_for: Clients) -> None:
    client, rnd = client_for(admin), draft_round(admin)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Dekat", score=75)])
    response = client.post(f"/companions/internship/{rnd.pk}/propose/", follow=True)
    page = response.content.decode()
    assert "Matching proposed: 1 of 1 trainees placed, total suitability 65.0." in messages_of(response)
    assert "KUBE Dekat" in page and "65" in page
    assert "Same kecamatan as the trainee&#x27;s home village." in page
    assert "The host&#x27;s classification score is 75 of 100." in page


def test_an_infeasible_round_says_so_on_its_page(admin: User, client_for: Clients) -> None:
    client, rnd = client_for(admin), draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Satu")])
    outstanding_kube("KUBE Usulan")
    page = client.get(f"/companions/internship/{rnd.pk}/").content.decode()
    assert "1 trainee cannot be placed: 2 trainees for 1 slots." in page and "KUBE Usulan" in page
    refused = client.post(f"/companions/internship/{rnd.pk}/propose/", follow=True)
    assert "1 of 2 trainees cannot be placed" in messages_of(refused)
    client.post(f"/companions/internship/{rnd.pk}/propose/", {"partial": "1"})
    assert rnd.placements.filter(host__isnull=False).count() == 1


def test_the_admin_swaps_two_trainees_then_confirms(admin: User, client_for: Clients) -> None:
    client, rnd = client_for(admin), draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi", desa=OTHER_KECAMATAN)])
    a, b = outstanding_kube("KUBE A"), outstanding_kube("KUBE B", desa=OTHER_KECAMATAN)
    round_add_hosts(actor=admin, round=rnd, groups=[a, b])
    round_propose(actor=admin, round=rnd)
    ani, budi = (rnd.placements.get(companion__name=n) for n in ("Ani", "Budi"))
    assert client.get(f"/companions/internship/{rnd.pk}/swap/").status_code == 200
    response = client.post(f"/companions/internship/{rnd.pk}/swap/", {"action": "swap", "a": ani.pk, "b": budi.pk})
    assert response.status_code == 302
    assert dict(rnd.placements.values_list("companion__name", "host__group__name")) == {
        "Ani": "KUBE B",
        "Budi": "KUBE A",
    }
    same = client.post(f"/companions/internship/{rnd.pk}/swap/", {"action": "swap", "a": ani.pk, "b": ani.pk})
    assert same.status_code == 200 and "Choose two different trainees." in same.content.decode()
    rnd.refresh_from_db()
    confirmed = client.post(f"/companions/internship/{rnd.pk}/confirm/", {"version": rnd.version}, follow=True)
    assert "its trainees are interns now" in messages_of(confirmed)
    assert set(Companion.objects.filter(placements__round=rnd).values_list("status", flat=True)) == {"intern"}


def test_the_trainee_keeps_the_logbook_from_their_own_page(
    admin: User, companion_user: User, client_for: Clients
) -> None:
    placement = running_placement(admin, user=companion_user)
    client = client_for(companion_user)
    home = client.get("/companions/internship/").content.decode()
    assert "My internship" in home and f"/companions/internship/placements/{placement.pk}/logbook/" in home
    url = f"/companions/internship/placements/{placement.pk}/logbook/"
    response = client.post(url, {"on": START, "activity": "Menimbang pakan", "learnt": "Takaran"})
    assert response.status_code == 302 and placement.logbook.get().activity == "Menimbang pakan"
    outside = client.post(url, {"on": END.replace(month=12), "activity": "x"})
    assert "The date must be within the round" in outside.content.decode()
    assert "Menimbang pakan" in client.get(url).content.decode()


def test_a_companion_cannot_reach_someone_elses_logbook(admin: User, companion_user: User, client_for: Clients) -> None:
    placement = running_placement(admin)  # a trainee without companion_user's login
    client = client_for(companion_user)
    url = f"/companions/internship/placements/{placement.pk}/logbook/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": START, "activity": "x"}).status_code == 404
    assert not placement.logbook.exists()


def test_assessing_and_completing_through_the_pages(admin: User, surabaya_officer: User, client_for: Clients) -> None:
    placement = running_placement(admin)
    officer = client_for(surabaya_officer)
    url = f"/companions/internship/placements/{placement.pk}/assessment/"
    assert officer.get(f"{url}?by=officer").status_code == 200
    items = {f"item_{k}": v for k, v in GOOD.items()}
    for by in ("ketua", "officer"):
        response = officer.post(url, {"by": by, "assessor_name": "Bu Rina", **items})
        assert response.status_code == 302, response.content
    bad = officer.post(url, {"by": "ketua", "assessor_name": "X", **items, "item_uep": 5})
    assert bad.status_code == 200 and placement.assessments.get(by="ketua").total == 80
    assert officer.post(f"/companions/internship/placements/{placement.pk}/complete/").status_code == 403
    done = client_for(admin).post(f"/companions/internship/placements/{placement.pk}/complete/", follow=True)
    assert "completed the internship" in messages_of(done)
    assert Placement.objects.get(pk=placement.pk).companion.status == "active"


def test_officers_read_rounds_of_their_regency_and_only_their_trainees(
    admin: User, surabaya_officer: User, client_for: Clients
) -> None:
    rnd = draft_round(admin)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Malang Saja", desa=MALANG_VILLAGE)])
    client = client_for(surabaya_officer)
    assert "Magang 2024" in client.get("/companions/internship/").content.decode()
    page = client.get(f"/companions/internship/{rnd.pk}/").content.decode()
    assert "Ani" in page and "Malang Saja" not in page
    assert client.get(f"/companions/internship/{rnd.pk}/trainees/").status_code == 403
    assert client.post(f"/companions/internship/{rnd.pk}/propose/").status_code == 403
    assert client.get("/companions/internship/new/").status_code == 403


def test_a_round_outside_the_officers_regencies_is_not_found(
    admin: User, surabaya_officer: User, client_for: Clients
) -> None:
    rnd = draft_round(admin)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Malang Saja", desa=MALANG_VILLAGE)])
    assert client_for(surabaya_officer).get(f"/companions/internship/{rnd.pk}/").status_code == 404


def test_the_round_list_is_a_few_queries_whatever_the_number_of_rounds(
    admin: User, client_for: Clients, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        rnd = draft_round(admin)
        round_add_trainees(actor=admin, round=rnd, companions=[trainee()])
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        assert client.get("/companions/internship/").status_code == 200


def test_the_companion_page_and_the_kube_page_show_the_internship(admin: User, client_for: Clients) -> None:
    placement = running_placement(admin)
    client = client_for(admin)
    companion_page = client.get(f"/companions/{placement.companion_id}/").content.decode()
    assert (
        'id="internship"' in companion_page
        and "Magang 2024" in companion_page
        and "KUBE Sumber Rejeki" in companion_page
    )
    kube_page = client.get(f"/registry/groups/{placement.host.group_id}/").content.decode()
    assert 'id="internship-host"' in kube_page and "Intan Permata" in kube_page


def test_the_round_page_is_a_fixed_number_of_queries_whatever_the_number_of_trainees(
    admin: User, client_for: Clients
) -> None:
    def queries(n: int) -> int:
        rnd = draft_round(admin, capacity=n)
        round_add_trainees(actor=admin, round=rnd, companions=[trainee(f"T{n}-{i}") for i in range(n)])
        round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube(f"K{n}")])
        round_propose(actor=admin, round=rnd)
        client = client_for(admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/companions/internship/{rnd.pk}/").status_code == 200
        return len(captured)

    assert queries(2) == queries(6)
