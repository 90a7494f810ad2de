"""Behind a reverse proxy the per-client allowances follow the client's address, taken from the hop the trusted
proxy appended to X-Forwarded-For, never from what a client wrote there (quality row D6)."""

import ipaddress
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from pendamping.accounts.tests.factories import PASSWORD
from pendamping.complaints.models import Complaint
from pendamping.complaints.tests.test_public_pages import NEW, form_data
from pendamping.core.proxies import client_address, parse_networks

NGINX = parse_networks("127.0.0.1, 10.1.0.0/16")  # nginx on the machine, a balancer's network in front of it


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx appended the client's address
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client forged the left part
        ("127.0.0.1", "203.0.113.7, 10.1.4.4", "203.0.113.7"),  # client -> balancer -> nginx -> app
        ("127.0.0.1", "", "127.0.0.1"),  # nginx's own health check: no header
        ("127.0.0.1", "10.1.4.4", "10.1.4.4"),  # every hop is a proxy: the nearest one
        ("127.0.0.1", "203.0.113.7, bogus", "127.0.0.1"),  # not an address: nothing to the left of it counts
        ("127.0.0.1", "203.0.113.7:5123", "203.0.113.7"),
        ("127.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        ("127.0.0.1", "2001:db8::7", "2001:db8::7"),
        ("192.0.2.9", "203.0.113.7", "192.0.2.9"),  # not from a proxy: the header is the client's own word
    ],
)
def test_the_client_is_the_nearest_hop_that_is_not_a_proxy(remote: str, forwarded: str, client: str) -> None:
    assert client_address(remote, forwarded, NGINX) == client


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("127.0.0.1", "203.0.113.7", ()) == "127.0.0.1"


ip4 = st.ip_addresses(v=4).filter(lambda a: not any(a in n for n in NGINX)).map(str)


@given(forged=st.lists(st.one_of(ip4, st.text(max_size=20)), max_size=5), real=ip4)
def test_nothing_a_client_writes_changes_the_address_the_proxy_saw(forged: list[str], real: str) -> None:
    # nginx's $proxy_add_x_forwarded_for: the client's header, then the address nginx saw.
    header = ", ".join([*forged, real])
    assert client_address("127.0.0.1", header, NGINX) == real


def test_a_malformed_setting_names_the_entry() -> None:
    with pytest.raises(ImproperlyConfigured, match="'10.0.0.300'"):
        parse_networks("127.0.0.1, 10.0.0.300")
    assert parse_networks(" ::1 , 10.0.0.0/8 ,") == (ipaddress.ip_network("::1"), ipaddress.ip_network("10.0.0.0/8"))


@pytest.fixture
def behind_nginx(settings: Any) -> None:
    cache.clear()
    settings.TRUSTED_PROXIES = NGINX
    settings.PENDAMPING = {**settings.PENDAMPING, "PUBLIC_FORM_LIMIT": 2, "PUBLIC_FORM_WINDOW": 3600}


def via_nginx(client_ip: str, forged: str = "") -> dict[str, str]:
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": ", ".join(filter(None, [forged, client_ip]))}


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_nginx")
def test_clients_behind_the_proxy_each_get_their_own_public_form_allowance() -> None:
    for _ in range(2):
        assert Client(**via_nginx("203.0.113.7")).post(NEW, form_data()).status_code == 200
    assert Client(**via_nginx("203.0.113.7")).post(NEW, form_data()).status_code == 429
    assert Client(**via_nginx("203.0.113.7", forged="198.51.100.1")).post(NEW, form_data()).status_code == 429
    assert Client(**via_nginx("203.0.113.8")).post(NEW, form_data()).status_code == 200  # a neighbour is not
    assert Complaint.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_nginx")
def test_sign_in_lockouts_behind_the_proxy_are_per_client(surabaya_officer: Any, settings: Any) -> None:
    def sign_in(ip: str, password: str, forged: str = "") -> int:
        body = {"username": surabaya_officer.username, "password": password}
        return int(Client(**via_nginx(ip, forged)).post("/accounts/login/", body).status_code)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("203.0.113.7", "wrong-password")
    assert sign_in("203.0.113.7", PASSWORD, forged="198.51.100.1") == 429  # locked, however the header reads
    assert sign_in("203.0.113.8", PASSWORD) == 302  # the same officer from another address is not
