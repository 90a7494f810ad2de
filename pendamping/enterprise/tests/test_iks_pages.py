"""IKS pages through the test client: a KUBE's ledger with its running balance and its two forms, deleting a
direct entry, the office's status list with its "stopped paying" badge, the KUBE page's panel, and scope."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import IksEntry
from pendamping.enterprise.selectors.ledger import iks_balance
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 10)


def url(name: str, *args: Any) -> str:
    return reverse(f"enterprise:{name}", args=args)


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera", status=Group.Status.ACTIVE, status_changed_on=dt.date(2024, 1, 1))


@pytest.fixture
def surabaya(surabaya_officer: User, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


def contribute(client: Client, group: Group, amount: str, on: dt.date = DAY) -> Any:
    return client.post(url("iks_contribute", group.pk), {"on": on.isoformat(), "amount": amount, "note": "Iuran"})


def use(client: Client, group: Group, amount: str, purpose: str = "Bantuan anggota sakit") -> Any:
    data = {"on": DAY.isoformat(), "amount": amount, "purpose": purpose, "recipient": "Bu Sri"}
    return client.post(url("iks_use", group.pk), data)


# --- the ledger ---------------------------------------------------------------------------------------------


def test_the_ledger_shows_entries_with_the_running_balance(surabaya: Client, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)
    IksEntryFactory(group=group, kind="out", on=dt.date(2025, 2, 3), amount=40_000, purpose="Bantuan banjir")

    response = surabaya.get(url("iks_ledger", group.pk))

    assert response.status_code == 200
    assert [e.balance for e in response.context["entries"]] == [150_000, 110_000]
    content = response.content.decode()
    assert "Bantuan banjir" in content and "Record a contribution" in content and "Record a use" in content


def test_a_contribution_typed_with_dots_is_recorded(surabaya: Client, group: Group) -> None:
    response = contribute(surabaya, group, "Rp 150.000")

    assert response.status_code == 302 and response["Location"] == url("iks_ledger", group.pk)
    assert iks_balance(group=group) == 150_000


@pytest.mark.parametrize("amount", ["-150.000", "150.000,50", "0"])
def test_a_negative_or_decimal_contribution_is_refused_on_the_form(surabaya: Client, group: Group, amount: str) -> None:
    response = contribute(surabaya, group, amount)

    assert response.status_code == 200 and "amount" in response.context["contribution_form"].errors
    assert not IksEntry.objects.exists()


def test_a_contribution_in_the_future_is_refused_on_the_form(surabaya: Client, group: Group) -> None:
    response = contribute(surabaya, group, "1000", on=timezone.localdate() + dt.timedelta(days=1))

    assert "on" in response.context["contribution_form"].errors
    assert not IksEntry.objects.exists()


def test_a_use_exceeding_the_balance_is_refused_with_the_balance(surabaya: Client, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)

    response = use(surabaya, group, "200.000")

    assert response.status_code == 200
    assert "Rp 150.000" in " ".join(response.context["use_form"].errors["amount"])
    assert iks_balance(group=group) == 150_000


def test_a_use_within_the_balance_is_recorded(surabaya: Client, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)

    assert use(surabaya, group, "50.000").status_code == 302
    assert IksEntry.objects.get(kind="out").recipient == "Bu Sri"


def test_a_use_without_purpose_is_refused(surabaya: Client, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)

    response = use(surabaya, group, "50.000", purpose="")

    assert "purpose" in response.context["use_form"].errors


def test_a_direct_entry_is_deleted(surabaya: Client, group: Group) -> None:
    entry = IksEntryFactory(group=group, on=dt.date(2025, 1, 31))

    response = surabaya.post(url("iks_delete", entry.pk))

    assert response.status_code == 302 and not IksEntry.objects.exists()


def test_a_contribution_of_a_report_is_not_deleted_here(surabaya: Client, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=dt.date(2025, 1, 1))
    entry = IksEntryFactory(group=group, report=report, on=dt.date(2025, 1, 31))

    response = surabaya.post(url("iks_delete", entry.pk), follow=True)

    assert "monthly report" in response.content.decode()
    assert IksEntry.objects.filter(pk=entry.pk).exists()
    ledger = surabaya.get(url("iks_ledger", group.pk)).content.decode()
    assert url("iks_delete", entry.pk) not in ledger  # no delete button for it


def test_the_auditor_reads_the_ledger_but_has_no_forms(
    auditor: User, client_for: Callable[..., Client], group: Group
) -> None:
    client = client_for(auditor)

    response = client.get(url("iks_ledger", group.pk))

    assert response.status_code == 200 and "Record a use" not in response.content.decode()
    assert contribute(client, group, "1000").status_code == 403


def test_the_assigned_companion_records_a_contribution(
    companion_user: User, client_for: Callable[..., Client], group: Group
) -> None:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))

    assert contribute(client_for(companion_user), group, "25.000").status_code == 302
    assert iks_balance(group=group) == 25_000


def test_a_kube_outside_the_scope_is_not_found(surabaya: Client) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)
    entry = IksEntryFactory(group=malang)

    assert surabaya.get(url("iks_ledger", malang.pk)).status_code == 404
    assert contribute(surabaya, malang, "1000").status_code == 404
    assert surabaya.post(url("iks_delete", entry.pk)).status_code == 404
    assert IksEntry.objects.count() == 1


# --- the status list and the KUBE page ----------------------------------------------------------------------


def test_the_status_list_flags_a_kube_that_stopped_paying(surabaya: Client, group: Group) -> None:
    paying = GroupFactory(name="KUBE Rajin", status=Group.Status.ACTIVE, status_changed_on=dt.date(2024, 1, 1))
    IksEntryFactory(group=paying, on=timezone.localdate())

    response = surabaya.get(url("iks_status"))

    rows = {row.name: row.stopped for row in response.context["page"].items}
    assert rows == {"KUBE Sejahtera": True, "KUBE Rajin": False}
    assert response.content.decode().count("stopped paying</span>") == 1


def test_the_status_list_can_show_only_those_that_stopped(surabaya: Client, group: Group) -> None:
    paying = GroupFactory(status=Group.Status.ACTIVE, status_changed_on=dt.date(2024, 1, 1))
    IksEntryFactory(group=paying, on=timezone.localdate())

    response = surabaya.get(url("iks_status"), {"stopped": "on"})

    assert [row.pk for row in response.context["page"].items] == [group.pk]


def test_the_status_list_ignores_a_regency_outside_the_scope(surabaya: Client, group: Group) -> None:
    GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE, name="KUBE Malang")

    response = surabaya.get(url("iks_status"), {"regency": "35.07"})

    assert [row.pk for row in response.context["page"].items] == [group.pk]
    assert "KUBE Malang" not in response.content.decode()


def test_the_status_list_queries_do_not_grow_with_its_rows(surabaya: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert surabaya.get(url("iks_status")).status_code == 200
        return len(captured)

    GroupFactory(status=Group.Status.ACTIVE)
    queries()  # the first request also stores the office's settings row and the session
    few = queries()
    for _ in range(6):
        IksEntryFactory(group=GroupFactory(status=Group.Status.ACTIVE))

    assert queries() == few


@pytest.mark.parametrize("role", ["evaluator", "norole"])
def test_roles_without_registry_access_cannot_open_the_status_list(
    role: str, client_for: Callable[..., Client], request: pytest.FixtureRequest
) -> None:
    assert client_for(request.getfixturevalue(role)).get(url("iks_status")).status_code == 403


def test_the_kube_page_shows_the_iks_panel(surabaya: Client, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2024, 2, 1), amount=75_000)

    content = surabaya.get(reverse("registry:group_detail", args=[group.pk])).content.decode()

    assert "IKS (social-solidarity fund)" in content and "Rp 75,000" in content
    assert "stopped paying" in content and url("iks_ledger", group.pk) in content
