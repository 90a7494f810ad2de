"""The plan of a briefing batch: the batch itself, modules, instructors, sessions (times, dates, the module's
batch, double-booked instructors), budget lines and equipment. Each refusal says why and changes nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Briefing, BudgetLine, Equipment, Instructor, Module, Session
from pendamping.companions.services.briefing import (
    attendance_record,
    briefing_create,
    briefing_finish,
    briefing_update,
    budget_line_add,
    budget_line_update,
    equipment_add,
    equipment_toggle,
    module_delete,
    module_update,
    session_delete,
    session_update,
)
from pendamping.companions.tests.briefing_factories import (
    JUL1,
    JUL2,
    JUL3,
    batch,
    instructor,
    join,
    module,
    person,
    refusal,
    session,
)
from pendamping.core.concurrency import StaleRecord

pytestmark = pytest.mark.django_db


def test_a_batch_is_planned_with_80_percent_attendance_needed_unless_told_otherwise(admin: Any) -> None:
    briefing = briefing_create(actor=admin, title="  Pembekalan   Angkatan I ", starts_on=JUL1, ends_on=JUL3)
    assert (briefing.title, briefing.status, briefing.completion_share) == ("Pembekalan Angkatan I", "planned", 80)
    assert briefing.created_by == admin
    assert AuditEntry.objects.filter(object_id=str(briefing.pk), action="create", actor=admin).exists()
    assert batch("Angkatan II", completion_share="75,5").completion_share == Decimal("75.5")


def test_only_the_province_plans_briefings(surabaya_officer: Any, auditor: Any) -> None:
    for user in (surabaya_officer, auditor):
        with pytest.raises(PermissionDenied):
            briefing_create(actor=user, title="Pembekalan", starts_on=JUL1, ends_on=JUL3)
    assert not Briefing.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ends_on": dt.date(2024, 6, 30)}, "ends_on", "The last day is before the first day."),
        ({"completion_share": 0}, "completion_share", "more than 0 and at most 100"),
        ({"completion_share": "100.5"}, "completion_share", "more than 0 and at most 100"),
        ({"completion_share": "banyak"}, "completion_share", "more than 0 and at most 100"),
        ({"venue_capacity": 0}, "venue_capacity", "at least one participant"),
        ({"title": "   "}, "title", "cannot be blank"),
    ],
)
def test_a_batch_with_bad_dates_or_numbers_is_refused(data: dict[str, Any], field: str, message: str) -> None:
    assert message in refusal(lambda: batch(**data), field)
    assert not Briefing.objects.exists()


def test_a_batch_changed_by_someone_else_meanwhile_is_not_overwritten(admin: Any) -> None:
    briefing = batch()
    briefing_update(actor=admin, briefing=briefing, version=1, venue="Hotel Santika")
    with pytest.raises(StaleRecord):
        briefing_update(actor=admin, briefing=briefing, version=1, venue="Aula Lama")
    briefing.refresh_from_db()
    assert (briefing.venue, briefing.version) == ("Hotel Santika", 2)


def test_the_dates_cannot_leave_a_session_outside_the_batch(admin: Any) -> None:
    briefing = batch()
    session(briefing, module(briefing), on=JUL3)
    message = refusal(lambda: briefing_update(actor=admin, briefing=briefing, ends_on=JUL2), "starts_on")
    assert "falls outside these dates" in message
    assert Briefing.objects.get().ends_on == JUL3


def test_the_capacity_cannot_drop_below_the_participants_already_in(admin: Any) -> None:
    briefing = batch(venue_capacity=3)
    join(briefing, person("Ani"), person("Budi"))
    message = refusal(lambda: briefing_update(actor=admin, briefing=briefing, venue_capacity=1), "venue_capacity")
    assert "2 participants are already in the batch" in message
    briefing_update(actor=admin, briefing=briefing, venue_capacity=2)
    assert Briefing.objects.get().venue_capacity == 2


def test_a_finished_batch_keeps_its_dates_and_threshold_but_may_be_renamed(admin: Any) -> None:
    briefing = batch()
    s = session(briefing, module(briefing))
    (p,) = join(briefing, person("Ani"))
    attendance_record(actor=None, session=s, present=[p.pk])
    briefing_finish(actor=admin, briefing=briefing)
    share = refusal(lambda: briefing_update(actor=admin, briefing=briefing, completion_share=50), "completion_share")
    assert "finished" in share
    briefing_update(actor=admin, briefing=briefing, title="Pembekalan Angkatan I (2024)")
    assert Briefing.objects.get().title == "Pembekalan Angkatan I (2024)"


def test_modules_are_numbered_in_order_and_need_positive_hours() -> None:
    briefing = batch()
    first, second = module(briefing, "Peran pendamping", 2), module(briefing, "Usaha ekonomi", "3,5")
    assert (first.position, second.position, second.hours) == (1, 2, Decimal("3.5"))
    for hours in (0, -1, "dua", 1000):
        assert "more than 0 and at most 999" in refusal(lambda h=hours: module(briefing, "x", h), "hours")
    assert Module.objects.count() == 2


def test_a_module_with_sessions_cannot_be_deleted(admin: Any) -> None:
    briefing = batch()
    used, spare = module(briefing, "Dipakai"), module(briefing, "Cadangan")
    session(briefing, used)
    assert "has sessions" in refusal(lambda: module_delete(actor=admin, module=used))
    module_delete(actor=admin, module=spare)
    assert list(Module.objects.values_list("title", flat=True)) == ["Dipakai"]
    assert AuditEntry.objects.filter(action="delete", object_id=str(spare.pk)).exists()
    module_update(actor=admin, module=used, hours=6)
    assert Module.objects.get().hours == 6


def test_an_instructor_is_registered_once() -> None:
    instructor("Dr. Sri Rahayu", "Universitas Airlangga")
    message = refusal(lambda: instructor("dr. sri rahayu", "universitas airlangga"), "name")
    assert "already registered" in message
    instructor("Dr. Sri Rahayu", "Poltekesos Bandung")  # a namesake elsewhere is another person
    assert Instructor.objects.count() == 2


@pytest.mark.parametrize(("start", "end"), [((10, 0), (8, 0)), ((9, 0), (9, 0))])
def test_a_session_that_ends_before_it_starts_is_refused(start: tuple[int, int], end: tuple[int, int]) -> None:
    briefing = batch()
    mod = module(briefing)
    message = refusal(lambda: session(briefing, mod, start=start, end=end), "ends_at")
    assert message == "The session must end after it starts."
    assert not Session.objects.exists()


def test_a_session_outside_the_batch_or_of_another_batchs_module_is_refused() -> None:
    briefing, other = batch(), batch("Angkatan II")
    mod, foreign = module(briefing), module(other)
    assert "must fall within the batch" in refusal(lambda: session(briefing, mod, on=dt.date(2024, 7, 4)), "on")
    assert "another batch" in refusal(lambda: session(briefing, foreign), "module")
    assert "not a valid choice" in refusal(lambda: session(briefing, mod, method="ceramah"), "method")
    assert not Session.objects.exists()


def test_an_instructor_in_two_sessions_at_once_is_refused_naming_the_other_session() -> None:
    sri = instructor()
    first, second = batch("Angkatan I"), batch("Angkatan II")
    session(first, module(first, "Peran pendamping"), start=(8, 0), end=(10, 0), instructors=[sri])
    mod = module(second)
    message = refusal(lambda: session(second, mod, start=(9, 30), end=(11, 0), instructors=[sri]), "instructors")
    assert message == "Dr. Sri Rahayu already teaches “Peran pendamping” in Angkatan I from 08:00 to 10:00."
    assert Session.objects.count() == 1
    session(second, mod, start=(10, 0), end=(12, 0), instructors=[sri])  # back to back is fine
    session(second, mod, on=JUL2, start=(8, 0), end=(10, 0), instructors=[sri])  # another day too


def test_moving_a_session_onto_its_instructors_other_session_is_refused(admin: Any) -> None:
    sri, briefing = instructor(), batch()
    mod = module(briefing)
    session(briefing, mod, start=(8, 0), end=(10, 0), instructors=[sri])
    later = session(briefing, mod, start=(13, 0), end=(15, 0), instructors=[sri])
    session_update(actor=admin, session=later, starts_at=dt.time(12, 0))  # its own old time is no clash
    call = lambda: session_update(actor=admin, session=later, starts_at=dt.time(9, 0))  # noqa: E731
    assert "already teaches" in refusal(call, "instructors")
    assert Session.objects.get(pk=later.pk).starts_at == dt.time(12, 0)


def test_a_session_with_attendance_cannot_be_deleted(admin: Any) -> None:
    briefing = batch()
    mod = module(briefing)
    held, planned = session(briefing, mod), session(briefing, mod, on=JUL2)
    join(briefing, person("Ani"))
    attendance_record(actor=admin, session=held, present=[])
    assert "Attendance was recorded" in refusal(lambda: session_delete(actor=admin, session=held))
    session_delete(actor=admin, session=planned)
    assert list(Session.objects.values_list("pk", flat=True)) == [held.pk]


def test_budget_lines_take_rupiah_as_people_type_them_and_refuse_negative_amounts(admin: Any) -> None:
    briefing = batch()
    line = budget_line_add(actor=admin, briefing=briefing, item="Konsumsi", planned="Rp 1.500.000", actual="")
    assert (line.planned, line.actual) == (1_500_000, None)
    neg = refusal(lambda: budget_line_add(actor=admin, briefing=briefing, item="Honor", planned="-250.000"), "planned")
    assert neg == "Amount cannot be negative."
    call = lambda: budget_line_update(actor=admin, line=line, actual=-1)  # noqa: E731
    assert refusal(call, "actual") == "Amount cannot be negative."
    assert "Not a rupiah amount" in refusal(lambda: budget_line_update(actor=admin, line=line, actual="1,5 juta"))
    budget_line_update(actor=admin, line=line, actual="1.475.000")
    assert BudgetLine.objects.get().actual == 1_475_000


def test_actual_costs_may_still_be_entered_after_the_batch_is_finished(admin: Any) -> None:
    briefing = batch()
    line = budget_line_add(actor=admin, briefing=briefing, item="Transport", planned=900_000)
    s = session(briefing, module(briefing))
    join(briefing, person("Ani"))
    attendance_record(actor=admin, session=s, present=[])
    briefing_finish(actor=admin, briefing=briefing)
    budget_line_update(actor=admin, line=line, actual=950_000)
    assert BudgetLine.objects.get().actual == 950_000


def test_the_equipment_checklist_is_ticked_and_unticked(admin: Any) -> None:
    briefing = batch()
    projector = equipment_add(actor=admin, briefing=briefing, item="Proyektor", quantity=2)
    assert "at least 1" in refusal(lambda: equipment_add(actor=admin, briefing=briefing, item="Kursi", quantity=0))
    assert equipment_toggle(actor=admin, equipment=projector).ready
    assert not equipment_toggle(actor=admin, equipment=projector).ready
    assert equipment_toggle(actor=admin, equipment=projector, ready=True).ready
    assert Equipment.objects.get().ready and Equipment.objects.count() == 1
