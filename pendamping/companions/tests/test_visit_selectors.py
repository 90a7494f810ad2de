"""The visit reads: open follow-ups until done, and the visit frequency per companion, per KUBE and per regency
worked out by hand on a small fixture (today is 15 May 2025; the last 3 complete months are February to April)."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.models import Companion, FollowUp, Visit
from pendamping.companions.selectors.visits import (
    CompanionFrequencyFilters,
    GroupFrequencyFilters,
    MonthCount,
    VisitFilters,
    companion_frequency,
    companion_months,
    followups_open,
    frequency_window,
    group_frequency,
    regency_frequency,
    visit_groups,
    visit_list,
)
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 5, 15)
D = dt.date


def visit(companion: Companion, group: Group, on: dt.date, *roles: str, **fields: Any) -> Visit:
    flags = {f"as_{role}": True for role in roles or ("motivator",)}
    return Visit.objects.create(
        companion=companion, group=group, regency_id=group.regency_id, on=on, members_present=3, **flags, **fields
    )


def kube(name: str, code: str = SURABAYA_VILLAGE) -> Group:
    return GroupFactory(name=name, desa=village(code), status=Group.Status.ACTIVE)


@pytest.fixture
def world(companion_user: User) -> dict[str, Any]:
    """Ani (2 KUBE) visits 3 times in the window, once this month and once before it; Budi (1 KUBE) twice a month;
    Citra (no KUBE) never; Dedi serves Malang; Eka is a candidate. Melati is a KUBE nobody has visited."""
    a = CompanionFactory(name="Ani", home_desa=village(SURABAYA_VILLAGE), user=companion_user)
    b = CompanionFactory(name="Budi", home_desa=village(SURABAYA_VILLAGE))
    c = CompanionFactory(name="Citra", home_desa=village(SURABAYA_VILLAGE))
    d = CompanionFactory(name="Dedi", home_desa=village(MALANG_VILLAGE))
    CompanionFactory(name="Eka", home_desa=village(SURABAYA_VILLAGE), status=Companion.Status.CANDIDATE)
    g1, g2, g3, g4, g5 = (
        kube("Anggrek"),
        kube("Bougenvil"),
        kube("Cempaka"),
        kube("Dahlia", MALANG_VILLAGE),
        kube("Melati"),
    )
    for group, companion in ((g1, a), (g2, a), (g3, b), (g4, d)):
        AssignmentFactory(group=group, companion=companion, started_on=D(2024, 1, 1))
    visit(a, g1, D(2025, 2, 3), "resource")
    visit(a, g1, D(2025, 3, 10), "motivator", "facilitator")
    visit(a, g2, D(2025, 4, 20), "facilitator")
    visit(a, g1, D(2025, 5, 2))  # this month: outside the window
    visit(a, g2, D(2025, 1, 31))  # before the window
    for on in (D(2025, 2, 5), D(2025, 2, 20), D(2025, 3, 5), D(2025, 3, 20), D(2025, 4, 5), D(2025, 4, 20)):
        visit(b, g3, on)
    visit(d, g4, D(2025, 3, 1))
    return {"a": a, "b": b, "c": c, "d": d, "groups": (g1, g2, g3, g4, g5)}


def test_the_window_is_the_last_complete_months() -> None:
    window = frequency_window(months=3, today=TODAY)

    assert (window.start, window.end) == (D(2025, 2, 1), D(2025, 4, 30))
    assert frequency_window(months=6, today=D(2025, 1, 1)).start == D(2024, 7, 1)
    assert frequency_window(months=7, today=TODAY).months == 3  # an unknown period falls back to 3


def test_frequency_per_companion_by_hand(world: dict[str, Any], surabaya_officer: User) -> None:
    window = frequency_window(months=3, today=TODAY)
    rows = list(
        companion_frequency(user=surabaya_officer, window=window, filters=CompanionFrequencyFilters(status="active"))
    )

    assert [r.name for r in rows] == ["Ani", "Budi", "Citra"]  # lowest rate first, no KUBE last; Malang unseen
    ani, budi, citra = rows
    assert (ani.visit_count, ani.kube, ani.per_month, ani.per_kube) == (3, 2, 1.0, 0.5)
    assert (ani.resource, ani.motivator, ani.facilitator, ani.last_visit) == (1, 1, 2, D(2025, 5, 2))
    assert (budi.visit_count, budi.kube, budi.per_month, budi.per_kube, budi.motivator) == (6, 1, 2.0, 2.0, 6)
    assert (citra.visit_count, citra.kube, citra.per_kube, citra.last_visit) == (0, 0, None, None)


def test_frequency_over_six_months_counts_january_too(world: dict[str, Any], surabaya_officer: User) -> None:
    window = frequency_window(months=6, today=TODAY)
    rows = companion_frequency(user=surabaya_officer, window=window, filters=CompanionFrequencyFilters(q="Ani"))

    ani = rows.get()
    assert (ani.visit_count, round(ani.per_month, 4), round(ani.per_kube, 4)) == (4, round(4 / 6, 4), round(4 / 12, 4))


def test_frequency_per_kube_by_hand(world: dict[str, Any], surabaya_officer: User) -> None:
    rows = list(group_frequency(user=surabaya_officer, filters=GroupFrequencyFilters(), today=TODAY))
    by_name = {g.name: g for g in rows}

    # Never visited first, then the longest unvisited; 90 days back from 15 May is 15 February.
    assert [g.name for g in rows] == ["Melati", "Bougenvil", "Cempaka", "Anggrek"]
    assert (by_name["Anggrek"].visit_count, by_name["Anggrek"].last_visit) == (2, D(2025, 5, 2))
    assert (by_name["Anggrek"].motivator, by_name["Anggrek"].facilitator) == (2, 1)
    assert (by_name["Bougenvil"].visit_count, by_name["Bougenvil"].last_visit) == (1, D(2025, 4, 20))
    assert (by_name["Cempaka"].visit_count, by_name["Cempaka"].companion_name) == (5, "Budi")
    assert (by_name["Melati"].visit_count, by_name["Melati"].last_visit, by_name["Melati"].companion_name) == (
        0,
        None,
        None,
    )


def test_frequency_per_regency_for_the_province_by_hand(world: dict[str, Any], admin: User) -> None:
    rows = regency_frequency(user=admin, window=frequency_window(months=3, today=TODAY))
    surabaya, malang, total = (
        next(r for r in rows if r.code == "35.78"),
        next(r for r in rows if r.code == "35.07"),
        rows[-1],
    )

    assert (surabaya.visits, surabaya.active_companions, surabaya.per_companion_month) == (9, 3, 1.0)
    assert (surabaya.companions_visiting, surabaya.groups_visited) == (2, 3)
    assert (surabaya.resource, surabaya.motivator, surabaya.facilitator) == (1, 7, 2)
    assert (malang.visits, malang.active_companions) == (1, 1)
    assert malang.per_companion_month == pytest.approx(1 / 3)
    assert (total.code, total.visits, total.active_companions) == ("", 10, 4)
    assert total.per_companion_month == pytest.approx(10 / 4 / 3)


def test_an_officer_sees_the_frequency_of_their_regency_only(world: dict[str, Any], surabaya_officer: User) -> None:
    rows = regency_frequency(user=surabaya_officer, window=frequency_window(months=3, today=TODAY))

    assert [r.code for r in rows] == ["35.78", ""]
    assert rows[-1].visits == 9


def test_a_regency_with_companions_but_no_visits_shows_zero(admin: User) -> None:
    CompanionFactory(home_desa=village(MALANG_VILLAGE))

    rows = regency_frequency(user=admin, window=frequency_window(months=3, today=TODAY))

    assert [(r.code, r.visits, r.active_companions, r.per_companion_month) for r in rows[:-1]] == [("35.07", 0, 1, 0.0)]


def test_a_companions_months_include_the_empty_ones(world: dict[str, Any]) -> None:
    months = companion_months(companion=world["a"], months=6, today=TODAY)

    assert months == [
        MonthCount(D(2025, 5, 1), 1, 1),
        MonthCount(D(2025, 4, 1), 1, 1),
        MonthCount(D(2025, 3, 1), 1, 1),
        MonthCount(D(2025, 2, 1), 1, 1),
        MonthCount(D(2025, 1, 1), 1, 1),
        MonthCount(D(2024, 12, 1), 0, 0),
    ]


def test_the_frequency_page_query_count_does_not_grow_with_rows(world: dict[str, Any], admin: User) -> None:
    window = frequency_window(months=3, today=TODAY)
    with CaptureQueriesContext(connection) as few:
        list(companion_frequency(user=admin, window=window, filters=CompanionFrequencyFilters()))
    for n in range(5):
        CompanionFactory(name=f"Tambahan {n}")
    with CaptureQueriesContext(connection) as many:
        list(companion_frequency(user=admin, window=window, filters=CompanionFrequencyFilters()))
    assert len(many) == len(few) == 1


# --- visits and follow-ups ---------------------------------------------------------------------------------


def test_a_companion_sees_their_own_visits_only(world: dict[str, Any], companion_user: User) -> None:
    rows = visit_list(user=companion_user, filters=VisitFilters())

    assert {v.companion.name for v in rows} == {"Ani"} and rows.count() == 5


def test_a_companion_may_record_visits_to_their_current_kube_only(world: dict[str, Any], companion_user: User) -> None:
    assert [g.name for g in visit_groups(user=companion_user)] == ["Anggrek", "Bougenvil"]


def test_an_officer_records_no_visits(world: dict[str, Any], surabaya_officer: User) -> None:
    assert not visit_groups(user=surabaya_officer).exists()


def test_follow_ups_show_until_done_and_overdue_ones_are_flagged(world: dict[str, Any], companion_user: User) -> None:
    today = timezone.localdate()
    g1 = world["groups"][0]
    v = visit(world["a"], g1, today - dt.timedelta(days=20))
    late = FollowUp.objects.create(visit=v, action="Cek kas", due_on=today - dt.timedelta(days=1))
    coming = FollowUp.objects.create(visit=v, action="Rapat", due_on=today + dt.timedelta(days=3))
    FollowUp.objects.create(visit=v, action="Sudah", due_on=today, done_on=today)

    rows = list(followups_open(user=companion_user))
    assert [(f.action, f.overdue) for f in rows] == [("Cek kas", True), ("Rapat", False)]
    assert [f.pk for f in followups_open(user=companion_user, overdue=True)] == [late.pk]

    FollowUp.objects.filter(pk=late.pk).update(done_on=today)
    assert [f.pk for f in followups_open(user=companion_user)] == [coming.pk]


def test_follow_ups_of_another_regency_are_not_seen(world: dict[str, Any], surabaya_officer: User) -> None:
    dedi_visit = Visit.objects.get(companion=world["d"])
    FollowUp.objects.create(visit=dedi_visit, action="Malang", due_on=D(2025, 3, 5))

    assert not followups_open(user=surabaya_officer).exists()
    assert not followups_open(user=surabaya_officer, group_id=dedi_visit.group_id).exists()


def test_the_visit_list_counts_open_follow_ups(world: dict[str, Any], surabaya_officer: User) -> None:
    v = Visit.objects.filter(companion=world["b"]).first()
    assert v is not None
    FollowUp.objects.create(visit=v, action="a", due_on=v.on)
    FollowUp.objects.create(visit=v, action="b", due_on=v.on, done_on=v.on)

    row = visit_list(user=surabaya_officer, filters=VisitFilters(companion=world["b"].pk)).get(pk=v.pk)

    assert row.open_follow_ups == 1
