"""The companion model's briefing step: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS: none, briefings are not in the admin site).

Scope (Briefing.visible_to): a batch is the province's; officers and auditors see the batches with participants
of their regencies, and by name only those participants (Participant.visible_to); companions see none. Each
bundle has a batch named after it, held in July 2024, with the bundle's companion as its participant (present
at its one session, both test scores entered), a module, a budget line, an equipment line, and a candidate of
its regency who is in no batch yet (for the participants POST). Instructors are the province's, seen by every
role that reads briefings: theirs carry no tag.

Every write is the province's (briefing.manage): test_url_deny_default.py runs A4's control for them as the
admin (ADMIN_WRITES) and counts the paged list GET /api/briefings against the in-scope fixture (LISTS)."""

import datetime as dt
from typing import Any

import pytest

from pendamping.companions.models import (
    Attendance,
    Briefing,
    BudgetLine,
    Companion,
    Equipment,
    Instructor,
    Module,
    Participant,
    Session,
)
from pendamping.companions.services.briefing import (
    attendance_record,
    briefing_create,
    budget_line_add,
    equipment_add,
    instructor_create,
    module_add,
    participant_add,
    scores_record,
    session_add,
)
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.core.tests.test_url_scoping import (
    BODIES,
    BUNDLE_HOOKS,
    KEYS,
    TRACKED,
    Bundle,
    World,
    client_for_door,
    world,
)

__all__ = ["ADMIN_WRITES", "LISTS", "world"]

B = "/api/briefings/{briefing_id}"
_BATCH = {"pk": "briefing"}
KEYS.update(
    {
        **{
            f"companions:{view}": _BATCH
            for view in (
                *("briefing_detail", "briefing_edit", "briefing_finish", "briefing_report", "briefing_report_xlsx"),
                "briefing_report_pdf",
                *("module_add", "session_add", "budget_add", "equipment_add", "participant_add", "scores"),
            )
        },
        **{f"companions:{view}": {"pk": "briefing_module"} for view in ("module_edit", "module_delete")},
        **{f"companions:{view}": {"pk": "briefing_session"} for view in ("session_edit", "session_delete")},
        "companions:attendance": {"pk": "briefing_session"},
        "companions:budget_edit": {"pk": "briefing_budget"},
        "companions:equipment_toggle": {"pk": "briefing_equipment"},
        "companions:participant_remove": {"pk": "briefing_participant"},
        **{
            f"{B}{sub}": {"briefing_id": "briefing"}
            for sub in ("", "/modules", "/sessions", "/budget", "/equipment", "/participants", "/scores")
        },
        **{f"{B}{sub}": {"briefing_id": "briefing"} for sub in ("/finish", "/report")},
        "/api/sessions/{session_id}/attendance": {"session_id": "briefing_session"},
    }
)

BODIES.update(
    {
        ("POST", "/api/briefings"): lambda b: {
            "title": "Pembekalan Baru",
            "starts_on": "2024-08-05",
            "ends_on": "2024-08-07",
            "venue": "Aula Dinas Sosial",
            "venue_capacity": 30,
        },
        ("PATCH", B): lambda b: {"version": b.briefing.version, "venue": "Aula Baru", "completion_share": 75},
        ("POST", f"{B}/modules"): lambda b: {"title": "Materi Baru", "hours": 2, "goals": "Memahami UEP"},
        ("POST", f"{B}/sessions"): lambda b: {
            "module_id": b.briefing_module.pk,
            "on": "2024-07-02",
            "starts_at": "13:00",
            "ends_at": "15:00",
            "method": "discussion",
        },
        ("POST", f"{B}/budget"): lambda b: {"item": "Konsumsi", "planned": "1.500.000", "actual": 1_400_000},
        ("POST", f"{B}/equipment"): lambda b: {"item": "Proyektor", "quantity": 1},
        ("POST", f"{B}/participants"): lambda b: {"companion_id": b.briefing_candidate.pk},
        ("POST", f"{B}/scores"): lambda b: {
            "scores": [{"participant_id": b.briefing_participant.pk, "pre_score": 50, "post_score": 75}]
        },
        ("POST", f"{B}/finish"): lambda b: {},
        ("POST", "/api/sessions/{session_id}/attendance"): lambda b: {"present": [b.briefing_participant.pk]},
        ("POST", "/api/instructors"): lambda b: {"name": "Narasumber Baru", "institution": "Dinas Sosial"},
    }
)

for _model in (Briefing, Module, Instructor, Session, Session.instructors.through, BudgetLine, Equipment):
    if _model not in TRACKED:  # the internship step's module adds Briefing and Participant too
        TRACKED.append(_model)
for _model in (Participant, Attendance):
    if _model not in TRACKED:
        TRACKED.append(_model)

# test_url_deny_default.py reads these: the writes that are the admins' (A4) and the paged API list (A2).
ADMIN_WRITES = {
    ("POST", "/api/briefings"),
    ("PATCH", B),
    *(("POST", f"{B}{sub}") for sub in ("/modules", "/sessions", "/budget", "/equipment", "/participants")),
    *(("POST", f"{B}{sub}") for sub in ("/scores", "/finish")),
    ("POST", "/api/sessions/{session_id}/attendance"),
    ("POST", "/api/instructors"),
}
LISTS = {"/api/briefings": (Briefing, "participants__companion__regency_id")}


def add_rows(bundle: Bundle) -> None:
    """A July 2024 batch named after the bundle, with its companion present at the one session (see above)."""
    tag, july = bundle.tag, dt.date(2024, 7, 1)
    briefing = briefing_create(
        actor=None, title=f"Pembekalan {tag}", starts_on=july, ends_on=dt.date(2024, 7, 3), venue=f"Aula {tag}"
    )
    module = module_add(actor=None, briefing=briefing, title=f"Materi {tag}", hours=2)
    # No tag: every role that reads briefings sees the province's instructors.
    instructor = instructor_create(actor=None, name=f"Narasumber {bundle.companion.regency_id}")
    times = {"on": july, "starts_at": dt.time(8), "ends_at": dt.time(10), "method": "lecture", "topic": f"Topik {tag}"}
    session = session_add(actor=None, briefing=briefing, module=module, instructors=[instructor], **times)
    participant = participant_add(actor=None, briefing=briefing, companion=bundle.companion)
    attendance_record(actor=None, session=session, present=[participant.pk])
    scores_record(actor=None, briefing=briefing, scores={participant.pk: {"pre_score": 40, "post_score": 70}})
    briefing.refresh_from_db()  # attendance started the batch: a new version
    bundle.extra |= {
        "briefing": briefing,
        "briefing_module": module,
        "briefing_session": session,
        "briefing_participant": participant,
        "briefing_budget": budget_line_add(actor=None, briefing=briefing, item=f"Konsumsi {tag}", planned=500_000),
        "briefing_equipment": equipment_add(actor=None, briefing=briefing, item=f"Spanduk {tag}"),
        "briefing_candidate": CompanionFactory(
            home_desa=bundle.family.desa, name=f"{tag} Calon Peserta", status=Companion.Status.CANDIDATE
        ),
    }


BUNDLE_HOOKS.append(add_rows)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
def test_the_briefing_list_counts_exactly_the_in_scope_fixture(
    role: str, world: World, request: pytest.FixtureRequest
) -> None:
    """test_api_lists_count_exactly_the_in_scope_fixture of test_url_deny_default.py, for GET /api/briefings:
    Surabaya's batch and no other, whatever the (Malang) filters; a filter that matches nothing shows nothing."""
    ours = Briefing.objects.filter(participants__companion__regency_id="35.78")
    mine = set(ours.values_list("pk", flat=True))
    assert world.home.briefing.pk in mine and world.away.briefing.pk not in mine
    client = client_for_door(request.getfixturevalue(role), "api")
    forged: dict[str, dict[str, Any]] = {
        "no filter": {},
        "Malang filters": {"regency": "35.07", "q": world.away.tag[1:], "companion_id": world.away.companion.pk},
        "Malang title": {"q": world.away.tag},
    }
    for name, params in forged.items():
        body = client.get("/api/briefings", params).json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), name
        assert rows in ([set(), mine] if name.startswith("Malang") else [mine]), name
    running = set(ours.filter(status="running").values_list("pk", flat=True))
    assert {row["id"] for row in client.get("/api/briefings", {"status": "running"}).json()["items"]} == running
    tagged = {row["id"] for row in client.get("/api/briefings", {"q": world.home.tag}).json()["items"]}
    assert world.home.briefing.pk in tagged and tagged <= mine
