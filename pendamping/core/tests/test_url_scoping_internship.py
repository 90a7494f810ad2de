"""The companion model's internship step: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS: none, the internship has no admin pages).

Each bundle has, in its own regency: a finished briefing batch its trainees completed; its active KUBE made
outstanding and a second outstanding KUBE; a draft round (two trainees, one at each KUBE: it can be proposed,
swapped and confirmed) with a third trainee free to add; and a confirmed round in which an intern, placed at the
bundle's KUBE, has a logbook entry and both assessments (so it can be completed). Titles, names and the logbook
carry the bundle's tag. The bodies are valid for either bundle, so the admin's control run reaches every write.

For test_url_deny_default.py: LISTS, A2's API list counted by regency, and ADMIN_WRITES, the writes an officer may
not make (internship.manage, internship.log), whose A4 control runs as the admin."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pendamping.companions.models import (
    Assessment,
    Briefing,
    Companion,
    Host,
    InternshipRound,
    LogEntry,
    Participant,
    Placement,
)
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.core.tests.test_url_scoping import BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle
from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.services.classification import rubric_ensure_default
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import GroupFactory

__all__ = ["ADMIN_WRITES", "LISTS"]

_ROUND, _PLACEMENT = {"pk": "round"}, {"pk": "placement"}
KEYS.update(
    {
        **{
            f"companions:{view}": _ROUND
            for view in ("round_detail", "round_trainees", "round_hosts", "round_propose", "placement_swap")
        },
        "companions:round_confirm": _ROUND,
        "companions:round_finish": {"pk": "running_round"},
        **{f"companions:{view}": _PLACEMENT for view in ("logbook", "assessment", "placement_complete")},
        **{
            f"/api/internship-rounds/{{round_id}}{sub}": {"round_id": "round"}
            for sub in ("", "/trainees", "/hosts", "/propose", "/confirm")
        },
        "/api/placements/{placement_id}": {"placement_id": "placement"},
        "/api/placements/{placement_id}/swap": {"placement_id": "swap_placement"},
        **{
            f"/api/placements/{{placement_id}}{sub}": {"placement_id": "placement"}
            for sub in ("/logbook", "/assessments", "/complete")
        },
    }
)

BODIES.update(
    {
        ("POST", "/api/internship-rounds"): lambda b: {
            "title": "Magang Baru",
            "starts_on": "2024-10-01",
            "ends_on": "2024-11-30",
            "default_capacity": 2,
        },
        ("POST", "/api/internship-rounds/{round_id}/trainees"): lambda b: {"companion_ids": [b.free_trainee.pk]},
        ("POST", "/api/internship-rounds/{round_id}/hosts"): lambda b: {"group_ids": [b.group.pk], "capacity": 3},
        ("POST", "/api/internship-rounds/{round_id}/propose"): lambda b: {"partial": False},
        ("POST", "/api/internship-rounds/{round_id}/confirm"): lambda b: {"version": b.round.version},
        ("POST", "/api/placements/{placement_id}/swap"): lambda b: {"with_id": b.swap_other.pk},
        ("POST", "/api/placements/{placement_id}/logbook"): lambda b: {
            "on": "2024-07-16",
            "activity": "Mencatat kas harian",
            "learnt": "Buku kas",
        },
        ("POST", "/api/placements/{placement_id}/assessments"): lambda b: {
            "by": "officer",
            "assessor_name": "Petugas Dinas",
            "scores": {"attendance": 4, "uep": 3, "communication": 3, "initiative": 4, "bookkeeping": 3},
        },
        ("POST", "/api/placements/{placement_id}/complete"): lambda b: {},
    }
)

for _model in (Briefing, Participant, InternshipRound, Host, Placement, LogEntry, Assessment, GroupScore):
    if _model not in TRACKED:
        TRACKED.append(_model)

LISTS = {"/api/internship-rounds": (InternshipRound, "placements__companion__regency_id")}
_MANAGE = ("/trainees", "/hosts", "/propose", "/confirm")
ADMIN_WRITES = {
    ("POST", "/api/internship-rounds"),
    *{("POST", f"/api/internship-rounds/{{round_id}}{sub}") for sub in _MANAGE},
    *{("POST", f"/api/placements/{{placement_id}}{sub}") for sub in ("/swap", "/logbook", "/complete")},
}


def _outstanding(group: Group, score: str) -> None:
    """The classification module scores the bundle's KUBE (not outstanding: too few months of reports); an
    internship needs it outstanding, as the classification marks the best KUBE of a regency."""
    GroupScore.objects.update_or_create(
        group=group,
        defaults={
            "regency_id": group.regency_id,
            "rubric": rubric_ensure_default(),
            "score": Decimal(score),
            "level_position": 3,
            "level_name": "maju",
            "rank_in_regency": 1,
            "outstanding": True,
            "computed_at": timezone.now(),
        },
    )


def _trainee(bundle: Bundle, briefing: Briefing, n: int, status: str = Companion.Status.TRAINEE) -> Companion:
    companion = CompanionFactory(
        home_desa=bundle.group.desa, regency=bundle.group.regency, name=f"{bundle.tag} Peserta {n}", status=status
    )
    Participant.objects.create(briefing=briefing, companion=companion, pre_score=50, post_score=80, completed=True)
    return companion


def add_rows(bundle: Bundle) -> None:
    """The two outstanding KUBE, the briefing, a draft round and a confirmed one (see the module's docstring)."""
    _outstanding(bundle.group, "86")
    here = {"desa": bundle.group.desa, "regency": bundle.group.regency}
    second = GroupFactory(**here, name=f"KUBE {bundle.tag} Teladan", status=Group.Status.ACTIVE, sector="livestock")
    _outstanding(second, "81")
    briefing = Briefing.objects.create(
        title=f"Pembekalan {bundle.tag}", starts_on=dt.date(2024, 5, 6), ends_on=dt.date(2024, 5, 10), status="finished"
    )
    a, b = _trainee(bundle, briefing, 1), _trainee(bundle, briefing, 2)
    draft = InternshipRound.objects.create(
        title=f"Magang {bundle.tag}", starts_on=dt.date(2024, 10, 1), ends_on=dt.date(2024, 11, 30)
    )
    here, there = Host.objects.create(round=draft, group=bundle.group), Host.objects.create(round=draft, group=second)
    bundle.extra["round"] = draft
    bundle.extra["swap_placement"] = Placement.objects.create(round=draft, companion=a, host=here, score=80)
    bundle.extra["swap_other"] = Placement.objects.create(round=draft, companion=b, host=there, score=70)
    bundle.extra["free_trainee"] = _trainee(bundle, briefing, 3)
    running = InternshipRound.objects.create(
        title=f"Magang Berjalan {bundle.tag}",
        starts_on=dt.date(2024, 7, 1),
        ends_on=dt.date(2024, 8, 31),
        status=InternshipRound.Status.CONFIRMED,
    )
    intern = _trainee(bundle, briefing, 4, status=Companion.Status.INTERN)
    host = Host.objects.create(round=running, group=bundle.group)
    placement = Placement.objects.create(
        round=running, companion=intern, host=host, score=90, status=Placement.Status.CONFIRMED
    )
    LogEntry.objects.create(placement=placement, on=dt.date(2024, 7, 15), activity=f"{bundle.tag} belajar pembukuan")
    scores = {"attendance": 4, "uep": 3, "communication": 3, "initiative": 3, "bookkeeping": 4}
    for by in Assessment.By.values:
        Assessment.objects.create(placement=placement, by=by, assessor_name="Penilai", scores=scores, total=78)
    bundle.extra.update(running_round=running, placement=placement)


BUNDLE_HOOKS.append(add_rows)
