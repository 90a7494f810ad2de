"""The appraisal pages through the client with the named cast: the list, the headline, who needs coaching, starting
an appraisal, the officer's ratings, finalising, one appraisal explained, and the panel on the companion page."""

from collections.abc import Callable

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.companions.models import Appraisal, Companion, Rating
from pendamping.companions.services.appraisal import appraisal_start
from pendamping.companions.tests.appraisal_factories import Q1, all_rated, final_appraisal, known_quarter, rated_ids
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db
ClientFor = Callable[..., Client]


def _draft(officer: User) -> Appraisal:
    return appraisal_start(actor=officer, companion=known_quarter(name="Dewi Lestari").companion, period=Q1)


def _ratings_form(appraisal: Appraisal, value: int, **extra: str) -> dict[str, str]:
    return {"version": str(appraisal.version), **{f"r{pk}": str(value) for pk in rated_ids(appraisal.rubric)}, **extra}


# --- lists ---------------------------------------------------------------------------------------------------


def test_the_list_shows_the_appraisals_of_the_officers_regency(client_for: ClientFor, surabaya_officer: User) -> None:
    final_appraisal(CompanionFactory(name="Ani Surabaya"), Q1, result="80", well=True)
    final_appraisal(
        CompanionFactory(name="Budi Malang", home_desa=village(MALANG_VILLAGE)), Q1, result="50", well=False
    )
    page = client_for(surabaya_officer).get("/companions/appraisals/", {"period": "2025Q1"}).content.decode()
    assert "Ani Surabaya" in page and "Budi Malang" not in page
    assert "2025 Q1" in page and "80.00" in page


def test_the_list_filters_those_not_performing_well(client_for: ClientFor, admin: User) -> None:
    final_appraisal(CompanionFactory(name="Ani"), Q1, result="80", well=True)
    final_appraisal(CompanionFactory(name="Budi"), Q1, result="50", well=False)
    page = client_for(admin).get("/companions/appraisals/", {"performing": "no"}).content.decode()
    assert "Budi" in page and "Ani" not in page


def test_the_list_queries_do_not_grow_with_its_rows(
    client_for: ClientFor, admin: User, django_assert_max_num_queries: Callable[..., object]
) -> None:
    for _ in range(12):
        final_appraisal(CompanionFactory(), Q1, result="60", well=False)
    client = client_for(admin)
    with django_assert_max_num_queries(12):  # type: ignore[attr-defined]
        assert client.get("/companions/appraisals/").status_code == 200


@pytest.mark.parametrize("role", ["companion_user", "evaluator", "norole"])
@pytest.mark.parametrize(
    "url", ["/companions/appraisals/", "/companions/appraisals/headline/", "/companions/appraisals/coaching/"]
)
def test_roles_outside_the_office_are_turned_away(
    role: str, url: str, client_for: ClientFor, request: pytest.FixtureRequest
) -> None:
    assert client_for(request.getfixturevalue(role)).get(url).status_code == 403


def test_the_headline_page_shows_the_share_against_the_baseline(client_for: ClientFor, admin: User) -> None:
    final_appraisal(CompanionFactory(), Q1, result="80", well=True)
    for _ in range(3):
        final_appraisal(CompanionFactory(), Q1, result="50", well=False)
    page = client_for(admin).get("/companions/appraisals/headline/", {"period": "2025Q1"}).content.decode()
    assert "25.0%" in page and "(1 of 4 companions appraised) performing well" in page
    assert "Baseline of the original evaluation: 20%." in page
    assert "5.0 percentage points above the baseline." in page
    assert "Kota Surabaya" in page


def test_a_malformed_quarter_falls_back_to_the_newest_appraised_one(client_for: ClientFor, admin: User) -> None:
    final_appraisal(CompanionFactory(), Q1, result="50", well=False)
    page = client_for(admin).get("/companions/appraisals/headline/", {"period": "kemarin"}).content.decode()
    assert "0.0%" in page and "20.0 percentage points below the baseline." in page


def test_the_coaching_page_says_why(client_for: ClientFor, surabaya_officer: User) -> None:
    appraisal = _draft(surabaya_officer)
    client = client_for(surabaya_officer)
    client.post(f"/companions/appraisals/{appraisal.pk}/rate/", _ratings_form(appraisal, 2, finalise="1"))
    page = client.get("/companions/appraisals/coaching/", {"period": "2025Q1"}).content.decode()
    assert "Dewi Lestari" in page and "costs" in page
    assert "Menghubungkan kelompok dengan mitra dan layanan" in page


# --- start, rate, finalise ------------------------------------------------------------------------------------


def test_an_officer_starts_an_appraisal_and_goes_on_to_rate(client_for: ClientFor, surabaya_officer: User) -> None:
    companion = known_quarter().companion
    client = client_for(surabaya_officer)
    assert companion.name in client.get("/companions/appraisals/new/", {"companion": companion.pk}).content.decode()
    response = client.post("/companions/appraisals/new/", {"companion": companion.pk, "period": "2025Q1"})
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/companions/appraisals/{appraisal.pk}/rate/"
    again = client.post("/companions/appraisals/new/", {"companion": companion.pk, "period": "2025Q1"})
    assert "already has an appraisal for 2025 Q1" in again.content.decode() and Appraisal.objects.count() == 1


def test_the_start_form_offers_no_inactive_or_other_regency_companion(
    client_for: ClientFor, surabaya_officer: User
) -> None:
    inactive = CompanionFactory(status=Companion.Status.INACTIVE)
    away = CompanionFactory(home_desa=village(MALANG_VILLAGE))
    client = client_for(surabaya_officer)
    for companion in (inactive, away):
        response = client.post("/companions/appraisals/new/", {"companion": companion.pk, "period": "2025Q1"})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Appraisal.objects.exists()


def test_the_rating_form_has_four_choices_per_rated_indicator_and_shows_the_computed_ones(
    client_for: ClientFor, surabaya_officer: User
) -> None:
    appraisal = _draft(surabaya_officer)
    page = client_for(surabaya_officer).get(f"/companions/appraisals/{appraisal.pk}/rate/").content.decode()
    for pk in rated_ids(appraisal.rubric):
        assert page.count(f'name="r{pk}"') == 4
    assert "3 of 6 monthly reports on time (1 late, 2 missing)." in page
    assert "Save and finalise" in page


def test_ratings_are_saved_from_the_form(client_for: ClientFor, surabaya_officer: User) -> None:
    appraisal = _draft(surabaya_officer)
    response = client_for(surabaya_officer).post(
        f"/companions/appraisals/{appraisal.pk}/rate/", _ratings_form(appraisal, 3)
    )
    assert response.status_code == 302
    assert set(Rating.objects.values_list("value", flat=True)) == {3}
    assert Appraisal.objects.get().status == "draft"


def test_a_rating_outside_1_to_4_is_refused_by_the_form(client_for: ClientFor, surabaya_officer: User) -> None:
    appraisal = _draft(surabaya_officer)
    response = client_for(surabaya_officer).post(
        f"/companions/appraisals/{appraisal.pk}/rate/", _ratings_form(appraisal, 5)
    )
    assert response.status_code == 200 and "Select a valid choice. 5 is not one of the available choices." in (
        response.content.decode()
    )
    assert not Rating.objects.exists()


def test_save_and_finalise_scores_the_appraisal(client_for: ClientFor, surabaya_officer: User) -> None:
    appraisal = _draft(surabaya_officer)
    client = client_for(surabaya_officer)
    response = client.post(f"/companions/appraisals/{appraisal.pk}/rate/", _ratings_form(appraisal, 4, finalise="1"))
    assert response["Location"] == f"/companions/appraisals/{appraisal.pk}/"
    appraisal.refresh_from_db()
    assert (appraisal.status, str(appraisal.score), appraisal.performing_well) == ("final", "87.50", True)
    page = client.get(response["Location"]).content.decode()
    assert "The appraisal is final: score 87.50, performing well." in page
    assert "How the score is made" in page and "87.50" in page
    assert client.get(f"/companions/appraisals/{appraisal.pk}/rate/")["Location"].endswith(f"/{appraisal.pk}/")


def test_finalising_with_an_indicator_not_rated_goes_back_to_the_ratings(
    client_for: ClientFor, surabaya_officer: User
) -> None:
    appraisal = _draft(surabaya_officer)
    client = client_for(surabaya_officer)
    response = client.post(f"/companions/appraisals/{appraisal.pk}/finalise/", {"version": appraisal.version})
    assert response["Location"] == f"/companions/appraisals/{appraisal.pk}/rate/"
    assert "Rate every indicator before finalising" in client.get(response["Location"]).content.decode()
    assert Appraisal.objects.get().status == "draft"


def test_the_finalise_button_finalises_a_rated_draft(client_for: ClientFor, admin: User) -> None:
    appraisal = _draft(admin)
    client = client_for(admin)
    client.post(f"/companions/appraisals/{appraisal.pk}/rate/", _ratings_form(appraisal, 1))
    response = client.post(f"/companions/appraisals/{appraisal.pk}/finalise/", {"version": "2"})
    assert response["Location"] == f"/companions/appraisals/{appraisal.pk}/"
    appraisal.refresh_from_db()
    assert (str(appraisal.score), appraisal.performing_well) == ("27.50", False)


def test_an_auditor_reads_an_appraisal_but_may_not_rate_it(
    client_for: ClientFor, surabaya_officer: User, auditor: User
) -> None:
    appraisal = _draft(surabaya_officer)
    client = client_for(auditor)
    page = client.get(f"/companions/appraisals/{appraisal.pk}/").content.decode()
    assert "Dewi Lestari" in page and "Save and finalise" not in page and "Finalise" not in page
    assert client.get(f"/companions/appraisals/{appraisal.pk}/rate/").status_code == 403
    assert client.post(f"/companions/appraisals/{appraisal.pk}/finalise/").status_code == 403


# --- the panel on the companion page ---------------------------------------------------------------------------


def test_the_companion_page_lists_the_appraisals_by_quarter(client_for: ClientFor, surabaya_officer: User) -> None:
    companion = CompanionFactory()
    final_appraisal(companion, Q1, result="72.25", well=True)
    page = client_for(surabaya_officer).get(f"/companions/{companion.pk}/").content.decode()
    assert 'id="appraisals"' in page and "2025 Q1" in page and "72.25" in page
    assert f"/companions/appraisals/new/?companion={companion.pk}" in page


def test_the_panel_offers_no_start_to_an_auditor_nor_for_an_inactive_companion(
    client_for: ClientFor, surabaya_officer: User, auditor: User
) -> None:
    active, inactive = CompanionFactory(), CompanionFactory(status=Companion.Status.INACTIVE)
    assert "appraisals/new/" not in client_for(auditor).get(f"/companions/{active.pk}/").content.decode()
    page = client_for(surabaya_officer).get(f"/companions/{inactive.pk}/").content.decode()
    assert 'id="appraisals"' in page and "appraisals/new/" not in page


def test_a_rated_draft_carries_every_rating_into_its_lines(client_for: ClientFor, surabaya_officer: User) -> None:
    appraisal = _draft(surabaya_officer)
    client_for(surabaya_officer).post(f"/companions/appraisals/{appraisal.pk}/rate/", _ratings_form(appraisal, 3))
    appraisal.refresh_from_db()
    assert {d["indicator"]: d["rating"] for d in appraisal.details if not d["rule"]} == all_rated(appraisal.rubric, 3)
