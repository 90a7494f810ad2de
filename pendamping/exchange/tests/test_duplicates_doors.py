"""The doors to the possible duplicates: the pages (list, comparison, decisions), the API and the command.

The cast: Alice is Surabaya's officer and reviews its flags; Bob is Malang's officer and sees none of them; the
auditor and the companion may not review at all. Until the lead wires the pages and the router into the project's
URLs, this module serves them itself (it is its own urlconf); once wired, the project's URLs are used as they are."""

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.exchange.models import PossibleDuplicate
from pendamping.exchange.services.duplicates import duplicates_scan
from pendamping.registry.models import Family, Membership
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    FamilyFactory,
    GroupFactory,
    MembershipFactory,
    regency_of,
    village,
)

pytestmark = pytest.mark.django_db
KK = "3578010101990001"


@pytest.fixture
def alice(surabaya_officer: User) -> User:
    return surabaya_officer


@pytest.fixture
def bob(malang_officer: User) -> User:
    return malang_officer


def pages(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def twins(desa: Any = None) -> tuple[Family, Family, PossibleDuplicate]:
    here = {"desa": desa, "regency": regency_of(desa)} if desa else {}
    keep = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi", **here)
    other = FamilyFactory(kk_number=KK, head_name="H. Slamet Riyadi", rt="007", **here)
    duplicates_scan()
    return keep, other, PossibleDuplicate.objects.get(first_id=keep.pk)


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_list_shows_the_open_flags_of_the_officers_regencies_with_names(alice: User) -> None:
    twins()
    malang = village(MALANG_VILLAGE)
    for _ in range(2):
        FamilyFactory(desa=malang, regency=regency_of(malang), kk_number="3507010101990001", head_name="Sutrisno")
    duplicates_scan()
    client = pages(alice)

    html = client.get("/exchange/duplicates/").content.decode()

    assert "H. Slamet Riyadi" in html and "Slamet Riyadi" in html
    assert "Sutrisno" not in html


def test_the_list_costs_the_same_queries_for_one_flag_or_many(alice: User) -> None:
    twins()
    client = pages(alice)
    client.get("/exchange/duplicates/")
    with CaptureQueriesContext(connection) as one:
        client.get("/exchange/duplicates/")
    for n in range(3):
        FamilyFactory(born=dt.date(1980, 1, 1 + n), head_name=f"Warga {n}")
        FamilyFactory(born=dt.date(1980, 1, 1 + n), head_name=f"Warga {n}")
    duplicates_scan()
    with CaptureQueriesContext(connection) as four:
        html = client.get("/exchange/duplicates/").content.decode()

    assert "Warga 2" in html and len(four) == len(one)


def test_the_list_filters_by_status_and_reason(alice: User) -> None:
    *_, flag = twins()
    flag.status = "dismissed"
    flag.save()
    client = pages(alice)

    assert "Slamet" not in client.get("/exchange/duplicates/").content.decode()  # open only, by default
    assert "Slamet" in client.get("/exchange/duplicates/", {"status": "dismissed"}).content.decode()
    assert "Slamet" in client.get("/exchange/duplicates/", {"status": "all"}).content.decode()
    assert (
        "Slamet" not in client.get("/exchange/duplicates/", {"status": "all", "reason": "name_birth"}).content.decode()
    )


def test_the_comparison_highlights_the_differences_and_shows_numbers_to_officers(alice: User) -> None:
    keep, other, flag = twins()

    html = pages(alice).get(f"/exchange/duplicates/{flag.pk}/").content.decode()

    assert keep.nik in html and other.nik in html  # officers work with the numbers...
    assert AuditEntry.objects.filter(action="reveal", object_id__in=[str(keep.pk), str(other.pk)]).count() == 2
    assert "<mark>007</mark>" not in html and "<mark>001 / 002</mark>" in html and "<mark>007 / 002</mark>" in html
    assert f'name="keep_id" value="{keep.pk}"' in html and f'name="keep_id" value="{other.pk}"' in html


def test_admins_see_the_numbers_too(admin: User) -> None:
    """Every role that reviews (duplicate.review) may see NIK and KK numbers (nik.unmasked) today; the masking
    is there for the day the two permissions part."""
    keep, _other, flag = twins()

    assert keep.nik in pages(admin).get(f"/exchange/duplicates/{flag.pk}/").content.decode()


def test_keeping_one_family_on_the_page_merges_the_other_into_it(alice: User) -> None:
    keep, other, flag = twins()
    membership = MembershipFactory(group=GroupFactory(desa=keep.desa), family=other)

    response = pages(alice).post(f"/exchange/duplicates/{flag.pk}/merge/", {"keep_id": keep.pk})

    assert response.status_code == 302 and response["Location"] == "/exchange/duplicates/"
    assert not Family.objects.filter(pk=other.pk).exists()
    assert Membership.objects.get(pk=membership.pk).family_id == keep.pk


def test_a_refused_merge_shows_why_on_the_flag_page(alice: User) -> None:
    keep, other, flag = twins()
    MembershipFactory(group=GroupFactory(desa=keep.desa), family=keep)
    MembershipFactory(group=GroupFactory(desa=keep.desa), family=other)
    client = pages(alice)

    response = client.post(f"/exchange/duplicates/{flag.pk}/merge/", {"keep_id": keep.pk}, follow=True)

    assert "end one membership first" in response.content.decode()
    assert Family.objects.filter(pk=other.pk).exists()


def test_dismissing_on_the_page_needs_a_note(alice: User) -> None:
    *_, flag = twins()
    client = pages(alice)

    empty = client.post(f"/exchange/duplicates/{flag.pk}/dismiss/", {"note": ""}, follow=True)
    assert "Write a short note" in empty.content.decode()
    client.post(f"/exchange/duplicates/{flag.pk}/dismiss/", {"note": "ayah dan anak"})

    flag.refresh_from_db()
    assert (flag.status, flag.note) == ("dismissed", "ayah dan anak")
    html = client.get(f"/exchange/duplicates/{flag.pk}/").content.decode()
    assert "ayah dan anak" in html and "keep_id" not in html


def test_the_actions_need_post_and_a_csrf_token(alice: User) -> None:
    *_, flag = twins()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get(f"/exchange/duplicates/{flag.pk}/dismiss/").status_code == 405
    assert client.post(f"/exchange/duplicates/{flag.pk}/dismiss/", {"note": "x"}).status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


def test_an_officer_of_another_regency_gets_404_on_every_page(bob: User) -> None:
    keep, _other, flag = twins()
    client = pages(bob)

    assert client.get(f"/exchange/duplicates/{flag.pk}/").status_code == 404
    for action in ("merge", "dismiss", "resolve"):
        response = client.post(f"/exchange/duplicates/{flag.pk}/{action}/", {"keep_id": keep.pk, "note": "x"})
        assert response.status_code == 404
    assert "Slamet" not in client.get("/exchange/duplicates/", {"status": "all"}).content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize("role", ["auditor", "evaluator", "norole"])
def test_roles_that_do_not_review_are_turned_away(role: str, request: pytest.FixtureRequest) -> None:
    *_, flag = twins()
    client = pages(request.getfixturevalue(role))

    assert client.get("/exchange/duplicates/").status_code == 403
    assert client.get(f"/exchange/duplicates/{flag.pk}/").status_code in (403, 404)


def test_a_companion_flag_offers_resolve_and_dismiss_not_merge(alice: User) -> None:
    family = FamilyFactory(head_name="Dewi Lestari")
    group = GroupFactory(desa=family.desa, name="KUBE Anggrek")
    MembershipFactory(group=group, family=family)
    assignment = AssignmentFactory(group=group, companion=CompanionFactory(nik=family.nik, name="Dewi Lestari"))
    duplicates_scan()
    flag = PossibleDuplicate.objects.get()
    client = pages(alice)

    html = client.get(f"/exchange/duplicates/{flag.pk}/").content.decode()
    assert "Mark resolved" in html and "keep_id" not in html
    refused = client.post(f"/exchange/duplicates/{flag.pk}/resolve/", {"note": "diganti"}, follow=True)
    assert "KUBE Anggrek" in refused.content.decode()
    assignment.ended_on = dt.date(2024, 6, 30)
    assignment.save()
    client.post(f"/exchange/duplicates/{flag.pk}/resolve/", {"note": "diganti"})
    flag.refresh_from_db()
    assert flag.status == "merged"


# --- API ---------------------------------------------------------------------------------------------------------


def test_the_api_lists_and_shows_flags_in_scope(alice: User, bob: User) -> None:
    keep, other, flag = twins()

    body = api(alice).get("/api/exchange/duplicates").json()
    assert body["count"] == 1 and body["items"][0]["second_name"] in ("H. Slamet Riyadi", "Slamet Riyadi")
    assert api(bob).get("/api/exchange/duplicates").json()["count"] == 0
    detail = api(alice).get(f"/api/exchange/duplicates/{flag.pk}").json()
    assert detail["first"]["values"]["nik"] == keep.nik and "rt_rw" in detail["differing"]
    assert api(bob).get(f"/api/exchange/duplicates/{flag.pk}").status_code == 404


def test_the_api_merges_and_dismisses(alice: User) -> None:
    keep, other, flag = twins()
    client = api(alice)

    bad = post_json(client, f"/api/exchange/duplicates/{flag.pk}/merge", {"keep_id": keep.pk, "role": "admin"})
    assert bad.status_code == 400 and "role" in bad.json()["error"]["fields"]
    merged = post_json(client, f"/api/exchange/duplicates/{flag.pk}/merge", {"keep_id": other.pk})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert not Family.objects.filter(pk=keep.pk).exists()
    again = post_json(client, f"/api/exchange/duplicates/{flag.pk}/dismiss", {"note": "x"})
    assert again.status_code == 409 and "already decided" in again.json()["error"]["message"]


def test_the_api_refuses_a_merge_with_the_rule_that_stops_it(alice: User) -> None:
    keep, other, flag = twins()
    MembershipFactory(group=GroupFactory(desa=keep.desa), family=keep)
    MembershipFactory(group=GroupFactory(desa=keep.desa), family=other)

    response = post_json(api(alice), f"/api/exchange/duplicates/{flag.pk}/merge", {"keep_id": keep.pk})

    assert response.status_code == 400 and "end one membership first" in response.json()["error"]["message"]


def test_the_api_turns_away_other_regencies_and_roles(bob: User, auditor: User) -> None:
    *_, flag = twins()

    assert post_json(api(bob), f"/api/exchange/duplicates/{flag.pk}/dismiss", {"note": "x"}).status_code == 404
    assert api(auditor).get("/api/exchange/duplicates").status_code == 403
    assert post_json(api(auditor), f"/api/exchange/duplicates/{flag.pk}/dismiss", {"note": "x"}).status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


# --- command -----------------------------------------------------------------------------------------------------


def test_the_command_prints_new_flags_per_reason() -> None:
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    FamilyFactory(kk_number=KK, head_name="Slamet Riyadi")
    out = StringIO()

    call_command("find_duplicates", "--regency", "35.78", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["1", "same", "KK", "number,", "similar", "head's", "name"]
    assert lines[-1].split()[0] == "1" and PossibleDuplicate.objects.count() == 1


def test_the_command_refuses_a_malformed_regency() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="35.78"):
        call_command("find_duplicates", "--regency", "Surabaya")
