"""The recruitment pages through the client with the named cast: the admin runs a call end to end (create,
criteria, open, screening, scores, decisions), an officer enters and scores applicants of their regency, the
auditor reads, and everyone outside a call's regencies gets a 404."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.models import Application, Call, Companion
from pendamping.companions.services.recruitment import application_decide, call_set_status
from pendamping.companions.tests.test_recruitment_factories import (
    MALANG,
    SURABAYA,
    applicant,
    make_call,
    submit,
)
from pendamping.registry.tests.factories import MALANG_VILLAGE

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def quota_field(code: str) -> str:
    return "quota_" + code.replace(".", "_")


def html(response: Any) -> str:
    return response.content.decode()


def test_the_admin_creates_a_call_with_quotas(client_for: Any, admin: User) -> None:
    client = client_for(admin)
    assert client.get(reverse("companions:call_create")).status_code == 200
    data = {
        "title": "Rekrutmen 2026",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + dt.timedelta(days=20)).isoformat(),
        quota_field(SURABAYA): "3",
        quota_field(MALANG): "",
    }
    response = client.post(reverse("companions:call_create"), data)
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("companions:call_detail", args=[call.pk])
    assert list(call.quotas.values_list("regency_id", "quota")) == [(SURABAYA, 3)] and call.criteria.count() == 6


def test_a_call_without_any_quota_is_refused_on_the_form(client_for: Any, admin: User) -> None:
    data = {"title": "Tanpa kuota", "opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat()}
    response = client_for(admin).post(reverse("companions:call_create"), data)
    assert response.status_code == 200 and "Give the quota of at least one regency" in html(response)
    assert not Call.objects.exists()


def test_the_call_page_shows_quotas_against_applications_and_the_next_step(client_for: Any, admin: User) -> None:
    call = make_call(quotas={SURABAYA: 1, MALANG: 2})
    submit(call, 1)
    page = html(client_for(admin).get(reverse("companions:call_detail", args=[call.pk])))
    assert "Kota Surabaya" in page and "Kabupaten Malang" in page and "Move to “screening”" in page
    assert reverse("companions:public_apply", args=[call.pk]) in page
    assert "education level" in page and "the panel" in page


def test_the_admin_edits_a_call_and_a_stale_form_is_refused(client_for: Any, admin: User) -> None:
    call = make_call()
    client, url = client_for(admin), reverse("companions:call_edit", args=[call.pk])
    form = {
        "title": "Rekrutmen diperbarui",
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        quota_field(SURABAYA): "4",
        "version": call.version,
    }
    assert client.get(url).status_code == 200
    assert client.post(url, form).status_code == 302
    call.refresh_from_db()
    assert (call.title, call.quotas.get().quota) == ("Rekrutmen diperbarui", 4)
    stale = client.post(url, {**form, "title": "Lagi"})
    assert stale.status_code == 200 and "changed by someone else" in html(stale)


def test_the_status_moves_on_from_the_call_page(client_for: Any, admin: User) -> None:
    call = make_call()
    client, url = client_for(admin), reverse("companions:call_status", args=[call.pk])
    response = client.post(url, {"status": "screening", "version": call.version}, follow=True)
    assert "The call is now screening" in html(response)
    response = client.post(url, {"status": "open", "version": call.version + 1}, follow=True)
    assert "moves from screening only to decided" in html(response)
    assert Call.objects.get(pk=call.pk).status == "screening"


def test_the_criteria_page_changes_adds_and_removes_criteria(client_for: Any, admin: User) -> None:
    call = make_call()
    client, url = client_for(admin), reverse("companions:criterion_edit", args=[call.pk])
    age = call.criteria.get(kind="age")
    page = html(client.get(url))
    assert f'id="c{age.pk}_weight"' in page and 'id="new_kind"' in page
    params = '{"min_age": 25, "max_age": 40}'
    assert client.post(url, {"criterion": age.pk, "kind": "age", "weight": "15", "params": params}).status_code == 302
    age.refresh_from_db()
    assert (age.weight, age.params) == (15, {"min_age": 25, "max_age": 40, "margin": 5})
    bad = client.post(url, {"criterion": age.pk, "kind": "age", "weight": "15", "params": '{"min_age": 90}'})
    assert bad.status_code == 200 and "min_age must be a whole number from 15 to 70" in html(bad)
    broken = client.post(url, {"kind": "other", "weight": "5", "params": "{min_age"})
    assert broken.status_code == 200 and "Not valid JSON" in html(broken)
    assert client.post(url, {"kind": "other", "weight": "5", "label": "Rekomendasi desa"}).status_code == 302
    written = call.criteria.get(kind="written")
    client.post(reverse("companions:criterion_delete", args=[call.pk, written.pk]))
    assert sorted(call.criteria.values_list("kind", flat=True)) == [
        "age", "education", "experience", "interview", "other", "residence",
    ]  # fmt: skip


def test_a_criterion_of_another_call_is_not_found(client_for: Any, admin: User) -> None:
    call, other = make_call(), make_call()
    url = reverse("companions:criterion_delete", args=[call.pk, other.criteria.first().pk])  # type: ignore[union-attr]
    assert client_for(admin).post(url).status_code == 404
    assert other.criteria.count() == 6


def test_the_ranking_page_shows_scores_missing_panel_scores_and_ranks(client_for: Any, admin: User) -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 1})
    submit(call, 1, name="Ani Pertama")
    submit(call, 2, name="Budi Kedua", education="sma")
    submit(call, 3, name="Citra Malang", regency=MALANG, desa=MALANG_VILLAGE)
    client = client_for(admin)
    page = html(client.get(reverse("companions:application_list", args=[call.pk])))
    assert page.index("Ani Pertama") < page.index("Budi Kedua") and "Citra Malang" in page
    assert "missing: interview (panel), written test (panel)" in page
    filtered = html(client.get(reverse("companions:application_list", args=[call.pk]), {"regency": MALANG}))
    assert "Citra Malang" in filtered and "Ani Pertama" not in filtered
    by_name = html(client.get(reverse("companions:application_list", args=[call.pk]), {"q": "budi"}))
    assert "Budi Kedua" in by_name and "Ani Pertama" not in by_name


def test_the_ranking_page_reads_in_a_fixed_number_of_queries(client_for: Any, admin: User) -> None:
    call = make_call()
    client, url = client_for(admin), reverse("companions:application_list", args=[call.pk])
    submit(call, 1)
    client.get(url)  # warm: the session, the user

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(2, 8):
        submit(call, n)
    assert count() == few


def test_an_officer_enters_an_applicant_of_their_regency(client_for: Any, surabaya_officer: User) -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 2})
    client, url = client_for(surabaya_officer), reverse("companions:application_create", args=[call.pk])
    page = html(client.get(url))
    assert "Kota Surabaya" in page and "Kabupaten Malang" not in page  # only their regency is offered
    data = {**applicant(7), "regency": SURABAYA, "home_desa": applicant(7)["home_desa_code"]}
    response = client.post(url, data)
    application = Application.objects.get()
    assert response.status_code == 302 and application.created_by == surabaya_officer
    duplicate = client.post(url, data)
    assert duplicate.status_code == 200 and "already applied to this call" in html(duplicate)
    forged = client.post(url, {**data, "regency": MALANG, "nik": applicant(8)["nik"]})
    assert forged.status_code == 200 and Application.objects.count() == 1


def test_the_panel_scores_and_the_admin_decides_on_the_application_page(
    client_for: Any, admin: User, surabaya_officer: User
) -> None:
    call = make_call()
    application = submit(call, 1)
    interview = call.criteria.get(kind="interview")
    officer = client_for(surabaya_officer)
    detail = reverse("companions:application_detail", args=[application.pk])
    assert "Enter a panel score" in html(officer.get(detail))
    score_url = reverse("companions:application_score", args=[application.pk])
    assert officer.post(score_url, {"criterion": interview.pk, "value": "88"}).status_code == 302
    too_high = officer.post(score_url, {"criterion": interview.pk, "value": "130"})
    assert too_high.status_code == 200 and "A score is a number from 0 to 100." in html(too_high)
    automatic = officer.post(score_url, {"criterion": call.criteria.get(kind="age").pk, "value": "10"})
    assert automatic.status_code == 200 and application.scores.get(criterion__kind="age").value == 100
    assert application.scores.get(criterion=interview).value == 88
    call_set_status(actor=admin, call=call, status="screening")
    decide_url = reverse("companions:application_decide", args=[application.pk])
    assert officer.post(decide_url, {"decision": "accepted", "reason": "x"}).status_code == 403
    staff = client_for(admin)
    no_reason = staff.post(decide_url, {"decision": "accepted", "reason": "", "version": 1})
    assert no_reason.status_code == 200 and not Companion.objects.exists()
    accepted = staff.post(decide_url, {"decision": "accepted", "reason": "Peringkat 1", "version": 1}, follow=True)
    assert "is now a companion candidate" in html(accepted)
    companion = Companion.objects.get()
    panel = html(staff.get(reverse("companions:companion_detail", args=[companion.pk])))
    assert application.reference in panel and call.title in panel


def test_the_auditor_reads_but_changes_nothing(client_for: Any, auditor: User) -> None:
    call = make_call()
    application = submit(call, 1)
    client = client_for(auditor)
    assert client.get(reverse("companions:call_list")).status_code == 200
    assert client.get(reverse("companions:application_detail", args=[application.pk])).status_code == 200
    assert "Enter a panel score" not in html(
        client.get(reverse("companions:application_detail", args=[application.pk]))
    )
    assert client.get(reverse("companions:call_create")).status_code == 403
    assert client.post(reverse("companions:applications_rank", args=[call.pk])).status_code == 403


def test_pages_of_a_call_outside_the_officers_regencies_are_not_found(
    client_for: Any, surabaya_officer: User, malang_officer: User
) -> None:
    call = make_call(quotas={MALANG: 1})
    application = submit(call, 1, regency=MALANG, desa=MALANG_VILLAGE, name="Dewi Malang")
    client = client_for(surabaya_officer)
    for name in ("call_detail", "call_edit", "criterion_edit", "application_list", "application_create"):
        assert client.get(reverse(f"companions:{name}", args=[call.pk])).status_code == 404, name
    assert client.get(reverse("companions:application_detail", args=[application.pk])).status_code == 404
    assert "Dewi Malang" not in html(client.get(reverse("companions:call_list")))
    assert (
        client_for(malang_officer).get(reverse("companions:application_detail", args=[application.pk])).status_code
        == 200
    )


def test_an_officer_sees_only_their_regencies_in_a_shared_call(client_for: Any, surabaya_officer: User) -> None:
    call = make_call(quotas={SURABAYA: 1, MALANG: 1})
    submit(call, 1, name="Eka Surabaya")
    away = submit(call, 2, regency=MALANG, desa=MALANG_VILLAGE, name="Fajar Malang")
    client = client_for(surabaya_officer)
    ranking = html(client.get(reverse("companions:application_list", args=[call.pk]), {"regency": MALANG}))
    assert "Fajar Malang" not in ranking
    page = html(client.get(reverse("companions:call_detail", args=[call.pk])))
    assert "Kota Surabaya" in page and "Kabupaten Malang" not in page
    assert client.get(reverse("companions:application_detail", args=[away.pk])).status_code == 404


def test_a_decided_call_offers_no_ranking_and_no_scores(client_for: Any, admin: User) -> None:
    call = make_call()
    application = submit(call, 1)
    call = call_set_status(actor=admin, call=call, status="screening")
    application_decide(actor=admin, application=application, decision="rejected", reason="Tidak lulus")
    call_set_status(actor=admin, call=call, status="decided")
    client = client_for(admin)
    assert "Rank again" not in html(client.get(reverse("companions:application_list", args=[call.pk])))
    page = html(client.get(reverse("companions:application_detail", args=[application.pk])))
    assert "Enter a panel score" not in page and "Record the decision" in page  # a rejection may still turn


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    call = make_call()
    response = client.get(reverse("companions:call_detail", args=[call.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
