"""Calls and their criteria through the services: who may, the quotas, the one-way status path, criteria only
before screening, the scores and ranks following criteria changes, and the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Application, Call, Criterion
from pendamping.companions.services.recruitment import (
    application_decide,
    call_create,
    call_set_status,
    call_update,
    criterion_delete,
    criterion_set,
)
from pendamping.companions.tests.test_recruitment_factories import MALANG, SURABAYA, call_dates, make_call, submit
from pendamping.core.concurrency import StaleRecord

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def new_call(actor: User | None, **overrides: object) -> Call:
    values: dict[str, object] = {
        "title": "Rekrutmen 2025",
        "opens_on": TODAY,
        "closes_on": TODAY + dt.timedelta(days=30),
        "quotas": {SURABAYA: 3, MALANG: 2},
        **overrides,
    }
    return call_create(actor=actor, **values)  # type: ignore[arg-type]


def messages(refused: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(refused.value.messages)


def test_an_admin_creates_a_draft_call_with_quotas_and_the_default_criteria(admin: User) -> None:
    call = new_call(admin)
    assert (call.status, call.created_by, call.version) == ("draft", admin, 1)
    assert dict(call.quotas.values_list("regency_id", "quota")) == {SURABAYA: 3, MALANG: 2}
    weights = {c.kind: c.weight for c in call.criteria.all()}
    assert weights == {
        "education": 25, "residence": 20, "experience": 20, "age": 10, "interview": 15, "written": 10,
    }  # fmt: skip
    age = call.criteria.get(kind="age")
    assert age.params == {"min_age": 21, "max_age": 45, "margin": 5} and age.label == "age band"
    entry = AuditEntry.objects.get(object_id=str(call.pk), content_type__model="call")
    assert entry.action == "create" and entry.changes["quotas"] == [None, {SURABAYA: 3, MALANG: 2}]
    assert AuditEntry.objects.filter(content_type__model="criterion").count() == 6


def test_a_call_takes_the_criteria_it_is_given(admin: User) -> None:
    criteria = [{"kind": "interview", "weight": 60}, {"kind": "age", "weight": "40", "params": {"max_age": 35}}]
    call = new_call(admin, criteria=criteria)
    assert [(c.kind, c.weight, c.params) for c in call.criteria.all()] == [
        ("interview", Decimal(60), {}),
        ("age", Decimal(40), {"min_age": 21, "max_age": 35, "margin": 5}),
    ]


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor", "companion_user", "evaluator", "norole"])
def test_only_an_admin_opens_calls(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        new_call(request.getfixturevalue(role))
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_on": TODAY - dt.timedelta(days=1)}, "closes_on", "closing date is before the opening date"),
        ({"quotas": {}}, "quotas", "at least one regency"),
        ({"quotas": {"35.99": 2}}, "quotas", "Unknown regency or city: 35.99"),
        ({"quotas": {"35.78.01": 2}}, "quotas", "Unknown regency or city: 35.78.01"),
        ({"quotas": {SURABAYA: 0}}, "quotas", "must be a whole number from 1 to 999"),
        ({"quotas": {SURABAYA: "2"}}, "quotas", "must be a whole number from 1 to 999"),
        ({"title": "  "}, "title", "required"),
        ({"criteria": [{"kind": "age", "weight": 0}]}, "weight", "above 0"),
        ({"criteria": [{"kind": "age", "weight": -5}]}, "weight", "above 0"),
        ({"criteria": [{"kind": "charm", "weight": 5}]}, "kind", "Choose one of the criteria"),
        ({"criteria": [{"kind": "age", "weight": 5}, {"kind": "age", "weight": 5}]}, "criteria", "once"),
        ({"criteria": [{"kind": "age", "weight": 5, "params": {"min_age": 80}}]}, "params", "15 to 70"),
    ],
)
def test_a_bad_call_is_refused_with_a_clear_message_and_nothing_stored(
    admin: User, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        new_call(admin, **overrides)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Call.objects.exists() and not AuditEntry.objects.exists()


def test_a_call_moves_one_step_at_a_time_and_never_back(admin: User) -> None:
    call = new_call(admin)
    with pytest.raises(ValidationError, match="only to open"):
        call_set_status(actor=admin, call=call, status="screening")
    for step in ("open", "screening"):
        call = call_set_status(actor=admin, call=call, status=step)
    with pytest.raises(ValidationError, match="only to decided"):
        call_set_status(actor=admin, call=call, status="open")
    call = call_set_status(actor=admin, call=call, status="decided", version=call.version)
    assert (call.status, call.version) == ("decided", 4)
    for status in ("open", "screening", "draft"):
        with pytest.raises(ValidationError, match="cannot be reopened"):
            call_set_status(actor=admin, call=call, status=status)
    changes = [e.changes["status"] for e in AuditEntry.objects.filter(content_type__model="call", action="update")]
    assert sorted(changes) == sorted([["draft", "open"], ["open", "screening"], ["screening", "decided"]])


def test_a_call_opens_only_with_criteria_and_before_its_closing_date(admin: User) -> None:
    call = new_call(admin, criteria=[])
    with pytest.raises(ValidationError, match="at least one screening criterion"):
        call_set_status(actor=admin, call=call, status="open")
    criterion_set(actor=admin, call=call, kind="interview", weight=1)
    call_dates(call, opens_on=TODAY - dt.timedelta(days=20), closes_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="closing date has passed"):
        call_set_status(actor=admin, call=call, status="open")


def test_a_call_is_decided_only_when_every_application_is(admin: User) -> None:
    call = make_call(status="screening")
    call = Call.objects.get(pk=call.pk)
    first = submit_at_screening(call, 1)
    submit_at_screening(call, 2)
    with pytest.raises(ValidationError, match="2 applications still await a decision"):
        call_set_status(actor=admin, call=call, status="decided")
    application_decide(actor=admin, application=first, decision="rejected", reason="Tidak hadir wawancara")
    with pytest.raises(ValidationError, match="1 applications still await"):
        call_set_status(actor=admin, call=call, status="decided")


def submit_at_screening(call: Call, n: int) -> Application:
    """An application to a call already in screening: submitted while it was open."""
    Call.objects.filter(pk=call.pk).update(status="open")
    application = submit(call, n)
    Call.objects.filter(pk=call.pk).update(status="screening")
    return application


def test_a_stale_version_is_refused(admin: User) -> None:
    call = new_call(admin)
    call_update(actor=admin, call=call, version=1, title="Rekrutmen 2025 tahap 1")
    with pytest.raises(StaleRecord):
        call_update(actor=admin, call=call, version=1, title="Judul lain")
    with pytest.raises(StaleRecord):
        call_set_status(actor=admin, call=call, status="open", version=1)
    assert Call.objects.get(pk=call.pk).title == "Rekrutmen 2025 tahap 1"


def test_the_quotas_can_change_but_not_under_what_is_taken(admin: User) -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 2})
    submit(call, 1)
    call = call_update(actor=admin, call=call, quotas={SURABAYA: 1, "35.73": 4})
    assert dict(call.quotas.values_list("regency_id", "quota")) == {SURABAYA: 1, "35.73": 4}
    with pytest.raises(ValidationError, match="35.78 already have applications"):
        call_update(actor=admin, call=call, quotas={MALANG: 2})
    entry = AuditEntry.objects.filter(content_type__model="call", action="update").first()
    assert entry is not None and entry.changes["quotas"] == [{MALANG: 2, SURABAYA: 2}, {"35.73": 4, SURABAYA: 1}]


def test_a_quota_never_drops_below_the_applicants_accepted(admin: User) -> None:
    call = make_call(quotas={SURABAYA: 2})
    applications = [submit(call, n) for n in (1, 2)]
    call = call_set_status(actor=admin, call=call, status="screening")
    for application in applications:
        application_decide(actor=admin, application=application, decision="accepted", reason="Lulus seleksi")
    with pytest.raises(ValidationError, match="2 applicants are already accepted in 35.78"):
        call_update(actor=admin, call=call, quotas={SURABAYA: 1})


def test_a_decided_call_cannot_change(admin: User) -> None:
    call = make_call(status="decided")
    with pytest.raises(ValidationError, match="decided"):
        call_update(actor=admin, call=call, title="Baru")


def test_moving_the_closing_date_rescores_the_age_band(admin: User) -> None:
    call = make_call()
    born = dt.date(call.closes_on.year - 45, 1, 1)  # 45 when the call closes: the top of the band
    application = submit(call, 1, born=born)
    age = application.scores.get(criterion__kind="age")
    assert age.value == 100
    later = call.closes_on + dt.timedelta(days=366)
    call_update(actor=admin, call=call, closes_on=later)
    age.refresh_from_db()
    years = later.year - born.year
    assert (age.value, age.note) == (Decimal(50), f"{years} years old when the call closes")


def test_criteria_change_before_screening_and_the_applications_follow(admin: User) -> None:
    call = make_call()
    application = submit(call, 1, experience_years=1)
    assert application.scores.get(criterion__kind="experience").value == Decimal("33.33")
    experience = criterion_set(actor=admin, call=call, kind="experience", weight=40, params={"full_years": 2})
    assert experience.pk == call.criteria.get(kind="experience").pk  # one per kind: changed, not added
    assert application.scores.get(criterion__kind="experience").value == Decimal(50)
    other = criterion_set(actor=admin, call=call, kind="other", weight="5", label="Surat rekomendasi kepala desa")
    assert other.position == 6 and call.criteria.count() == 7
    criterion_delete(actor=admin, criterion=call.criteria.get(kind="written"))
    assert not call.criteria.filter(kind="written").exists()
    application.refresh_from_db()
    # education 25 × 100, residence 20 × 100, experience 40 × 50, age 10 × 100, interview 15 and other 5 not
    # scored yet: 7500 / 115
    assert application.score == Decimal("65.22")
    actions = AuditEntry.objects.filter(content_type__model="criterion").values_list("action", flat=True)
    assert sorted(actions)[-3:] == ["create", "delete", "update"]


def test_criteria_cannot_change_once_screening_started(admin: User) -> None:
    call = make_call(status="screening")
    with pytest.raises(ValidationError, match="before screening starts"):
        criterion_set(actor=admin, call=call, kind="interview", weight=30)
    with pytest.raises(ValidationError, match="before screening starts"):
        criterion_delete(actor=admin, criterion=call.criteria.first())  # type: ignore[arg-type]
    assert call.criteria.count() == 6


def test_a_criterion_of_another_call_or_a_changed_kind_is_refused(admin: User) -> None:
    call, other = make_call(), make_call()
    foreign = other.criteria.get(kind="age")
    with pytest.raises(ValidationError, match="belongs to another call"):
        criterion_set(actor=admin, call=call, kind="age", weight=3, criterion=foreign)
    with pytest.raises(ValidationError, match="kind of a criterion cannot change"):
        criterion_set(actor=admin, call=call, kind="interview", weight=3, criterion=call.criteria.get(kind="age"))
    with pytest.raises(ValidationError, match="takes no parameters"):
        criterion_set(actor=admin, call=call, kind="interview", weight=3, params={"min": 1})
    assert Criterion.objects.filter(call=call, kind="age").get().weight == 10


def test_officers_may_not_change_criteria(surabaya_officer: User) -> None:
    call = make_call()
    with pytest.raises(PermissionDenied):
        criterion_set(actor=surabaya_officer, call=call, kind="interview", weight=50)
    with pytest.raises(PermissionDenied):
        call_set_status(actor=surabaya_officer, call=call, status="screening")
