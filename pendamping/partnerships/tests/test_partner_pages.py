"""Partner pages through the test client: scope (404 outside it), who may register and edit, the forms' errors,
and list pages whose queries do not grow with their rows."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.partnerships.models import Partner
from pendamping.partnerships.tests.factories import MALANG, SURABAYA, AgreementFactory, PartnerFactory
from pendamping.registry.tests.factories import region

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("partnerships:partner_list"), reverse("partnerships:partner_create")
HTMX = {"HX-Request": "true"}


def url(name: str, partner: Partner) -> str:
    return reverse(f"partnerships:{name}", args=[partner.pk])


@pytest.fixture
def officer(surabaya_officer: User, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


def test_the_list_shows_the_partners_in_scope(officer: Client) -> None:
    PartnerFactory(name="Toko Surabaya")
    PartnerFactory(name="Bank Jatim", regency=None)
    PartnerFactory(name="Toko Malang", regency=region(MALANG))

    body = officer.get(LIST).content.decode()

    assert "Toko Surabaya" in body and "Bank Jatim" in body and "province-wide" in body
    assert "Toko Malang" not in body


def test_the_search_answers_htmx_with_the_results_only(officer: Client) -> None:
    PartnerFactory(name="Toko Surabaya")
    PartnerFactory(name="Koperasi Wanita")

    body = officer.get(LIST, {"q": "koperasi"}, headers=HTMX).content.decode()

    assert "Koperasi Wanita" in body and "Toko Surabaya" not in body and "<html" not in body


def test_the_list_costs_the_same_queries_for_more_rows(officer: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert officer.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    AgreementFactory(partner=PartnerFactory())
    few = count()
    for _ in range(12):
        AgreementFactory(partner=PartnerFactory(regency=None), regency=region(SURABAYA))
    assert count() == few


def test_the_detail_shows_the_partners_agreements_the_user_sees(officer: Client) -> None:
    bank = PartnerFactory(name="Bank Jatim", regency=None)
    AgreementFactory(partner=bank, regency=region(SURABAYA), title="Kredit usaha Surabaya")
    AgreementFactory(partner=bank, regency=region(MALANG), title="Kredit usaha Malang")

    body = officer.get(url("partner_detail", bank)).content.decode()

    assert "Kredit usaha Surabaya" in body and "Kredit usaha Malang" not in body
    assert url("partner_edit", bank) not in body  # province-wide: the admins' to change


def test_a_partner_out_of_scope_is_not_found(officer: Client) -> None:
    malang = PartnerFactory(regency=region(MALANG))

    assert officer.get(url("partner_detail", malang)).status_code == 404
    assert officer.post(url("partner_edit", malang), {"name": "X", "type": "private"}).status_code == 404


def test_an_officer_registers_a_partner_of_their_regency(officer: Client) -> None:
    response = officer.post(NEW, {"name": "CV Makmur", "type": "private", "regency": SURABAYA, "sector": "kuliner"})

    partner = Partner.objects.get(name="CV Makmur")
    assert response.status_code == 302 and response["Location"] == url("partner_detail", partner)
    assert partner.regency_id == SURABAYA


def test_an_officer_is_told_a_province_wide_partner_is_the_admins(officer: Client) -> None:
    response = officer.post(NEW, {"name": "Bank Jatim", "type": "government", "regency": ""})

    assert response.status_code == 200
    assert "provincial administrator" in response.context["form"].errors["regency"][0]
    assert not Partner.objects.exists()


def test_a_regency_outside_the_officers_list_is_refused_by_the_form(officer: Client) -> None:
    response = officer.post(NEW, {"name": "Toko", "type": "private", "regency": MALANG})

    assert "regency" in response.context["form"].errors and not Partner.objects.exists()


def test_an_admin_registers_a_province_wide_partner(admin: User, client_for: Callable[..., Client]) -> None:
    response = client_for(admin).post(NEW, {"name": "Bank Jatim", "type": "government", "regency": ""})

    assert response.status_code == 302 and Partner.objects.get().regency_id is None


def test_a_duplicate_name_is_refused_on_the_name_field(officer: Client) -> None:
    PartnerFactory(name="CV Makmur")

    response = officer.post(NEW, {"name": "cv makmur", "type": "private", "regency": SURABAYA})

    assert "already exists" in response.context["form"].errors["name"][0]


def test_the_edit_form_saves_with_the_version_it_was_read_at(officer: Client) -> None:
    partner = PartnerFactory(name="CV Makmur")
    data = {"name": "CV Makmur Jaya", "type": "private", "regency": SURABAYA, "version": 1}

    assert officer.get(url("partner_edit", partner)).status_code == 200
    assert officer.post(url("partner_edit", partner), data).status_code == 302
    stale = officer.post(url("partner_edit", partner), {**data, "name": "Lain"})

    assert "changed by someone else" in str(stale.context["form"].errors)
    partner.refresh_from_db()
    assert (partner.name, partner.version) == ("CV Makmur Jaya", 2)


@pytest.mark.parametrize("role", ["auditor", "companion_user"])
def test_readers_may_not_open_the_forms(
    role: str, request: pytest.FixtureRequest, client_for: Callable[..., Client]
) -> None:
    client, partner = client_for(request.getfixturevalue(role)), PartnerFactory()

    assert client.get(NEW).status_code == 403
    assert client.get(url("partner_edit", partner)).status_code == (403 if role == "auditor" else 404)
