"""The classification pages through the test client: the ranking (scoped, filtered, badges, a fixed number of
queries), the admins' "Recompute now", and the KUBE page's score explained indicator by indicator."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.services.classification import group_score_compute, group_scores_refresh
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.enterprise.tests.test_classification_services import make_rubric, malang_kube, months_ago, scored
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import kube_with_members

pytestmark = pytest.mark.django_db
RANKING = "/enterprise/classification/"
REFRESH = "/enterprise/classification/refresh/"


def test_the_urls_have_their_names() -> None:
    assert reverse("enterprise:classification") == RANKING
    assert reverse("enterprise:classification_refresh") == REFRESH


def test_an_officer_sees_the_ranking_of_their_regency_only(
    surabaya_officer: Any, client_for: Callable[..., Client]
) -> None:
    make_rubric()
    mine, theirs = kube_with_members(5, name="KUBE Mawar"), malang_kube(name="KUBE Melati")
    scored(mine, 82.5, months=14)
    scored(theirs, 91)
    GroupScore.objects.filter(group=mine).update(rank_in_regency=1, outstanding=True)

    page = client_for(surabaya_officer).get(RANKING).content.decode()

    assert "KUBE Mawar" in page and "KUBE Melati" not in page
    assert "82.50" in page and "maju" in page and "outstanding" in page
    assert "Recompute now" not in page


def test_the_ranking_filters_by_level_and_outstanding(admin: Any, client_for: Callable[..., Client]) -> None:
    make_rubric()
    top, middle = kube_with_members(5, name="KUBE Atas"), kube_with_members(5, name="KUBE Tengah")
    scored(top, 90)
    scored(middle, 60, level=2)
    GroupScore.objects.filter(group=top).update(outstanding=True)
    client = client_for(admin)

    by_level = client.get(RANKING, {"level": "2"}).content.decode()
    outstanding = client.get(RANKING, {"outstanding": "1"}).content.decode()
    partial = client.get(RANKING, {"q": "Tengah"}, headers={"HX-Request": "true"}).content.decode()

    assert "KUBE Tengah" in by_level and "KUBE Atas" not in by_level
    assert "KUBE Atas" in outstanding and "KUBE Tengah" not in outstanding
    assert "KUBE Tengah" in partial and "<html" not in partial


def test_the_ranking_page_runs_a_fixed_number_of_queries(admin: Any, client_for: Callable[..., Client]) -> None:
    make_rubric()
    client = client_for(admin)
    scored(kube_with_members(5), 50)
    client.get(RANKING)
    with CaptureQueriesContext(connection) as few:
        client.get(RANKING)
    for score in (60, 70, 80, 90):
        scored(kube_with_members(5), score)
    with CaptureQueriesContext(connection) as many:
        client.get(RANKING)
    assert len(many) == len(few)


def test_roles_without_the_registry_are_turned_away(
    evaluator: Any, norole: Any, client_for: Callable[..., Client]
) -> None:
    assert client_for(evaluator).get(RANKING).status_code == 403
    assert client_for(norole).get(RANKING).status_code == 403


def test_an_admin_recomputes_every_score_from_the_ranking_page(
    admin: Any, client_for: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    make_rubric()
    group = kube_with_members(5)
    client = client_for(admin)
    assert "Recompute now" in client.get(RANKING).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REFRESH, follow=True)

    assert response.redirect_chain == [(RANKING, 302)]
    assert "being recomputed" in response.content.decode()
    assert GroupScore.objects.get(group=group).rank_in_regency == 1


def test_only_admins_may_recompute(surabaya_officer: Any, client_for: Callable[..., Client]) -> None:
    make_rubric()
    kube_with_members(5)
    assert client_for(surabaya_officer).post(REFRESH).status_code == 403
    assert not GroupScore.objects.exists()


def test_recomputing_without_a_rubric_says_why(admin: Any, client_for: Callable[..., Client]) -> None:
    make_rubric().delete()
    response = client_for(admin).post(REFRESH, follow=True)
    assert "No classification rubric is in use" in response.content.decode()


def test_the_kube_page_explains_its_score(surabaya_officer: Any, client_for: Callable[..., Client]) -> None:
    """Board 3 of 3 (weight 40, 1 point) and 1 meeting a month against 2 (weight 60, 0.5): institutional,
    (40 + 30) / 100 x 100 = 70.00, berkembang; the only KUBE of its regency, so first of 1."""
    make_rubric([("board_complete", 40), ("meetings_per_month", 60)])
    group = kube_with_members(5)
    MonthlyReportFactory(group=group, period=months_ago(1), meetings_held=1)
    group_scores_refresh()

    page = client_for(surabaya_officer).get(reverse("registry:group_detail", args=[group.pk])).content.decode()

    assert 'id="score"' in page and "70.00" in page and "berkembang" in page
    assert "1 of 1" in page
    assert "Board seats held: 3 of 3 (chair, secretary, treasurer)." in page
    assert "Meetings a month on average: 1 (reports: 1); full points at 2." in page
    assert "70.00 of 100" in page  # the institutional aspect's subtotal: all of the weight, 70 earned


def test_a_companion_sees_the_score_of_their_kube(companion_user: Any, client_for: Callable[..., Client]) -> None:
    make_rubric()
    group = kube_with_members(5)
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))
    group_score_compute(group=group)
    page = client_for(companion_user).get(reverse("registry:group_detail", args=[group.pk])).content.decode()
    assert 'id="score"' in page and "not ranked yet" in page


def test_an_unscored_kube_says_so_and_an_inactive_one_shows_no_panel(
    admin: Any, client_for: Callable[..., Client]
) -> None:
    make_rubric()
    active, inactive = kube_with_members(5), kube_with_members(5, status=Group.Status.INACTIVE)
    client = client_for(admin)
    assert "has not been scored yet" in client.get(reverse("registry:group_detail", args=[active.pk])).content.decode()
    assert 'id="score"' not in client.get(reverse("registry:group_detail", args=[inactive.pk])).content.decode()
