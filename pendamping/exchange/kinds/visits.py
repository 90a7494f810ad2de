"""Companion visits, one row per visit: the visit log kept on paper or in ODK Collect/KoboCollect (the offline
form `exchange.xlsform.visits` asks the same questions under these field names), written through the companions'
visit service, so an imported visit follows the rules of the phone form.

A companion imports their own visits; an admin imports anyone's, each for the companion accompanying the KUBE now
(or the one the row names by NIK). A visit is matched by its KUBE and date: a visit stays as recorded, so an
import skips it or refuses the row, and never changes it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.accounts.models import Role
from pendamping.companions.forms.visits import FOLLOW_UP_SLOTS, ROLE_CHOICES
from pendamping.companions.models import Companion, Visit
from pendamping.companions.selectors.people import group_current_companion
from pendamping.companions.services.visits import visit_delete, visit_record
from pendamping.exchange import cells
from pendamping.exchange.kinds._common import Errors, choice_map, convert, group_by_code, is_blank, pick, service_errors
from pendamping.exchange.kinds.base import Column, Context, ImportKind, RowInvalid, Written, existing_policy
from pendamping.registry.models import Group

ROLE_WORDS = {"narasumber": "resource", "nara sumber": "resource", "penggerak": "motivator",
              "fasilitator": "facilitator"}  # fmt: skip
TOPIC_WORDS = {"pembukuan": "bookkeeping", "pemasaran": "marketing", "produksi": "production", "modal": "capital",
               "organisasi": "organisation", "konflik": "conflict", "kemitraan": "partnership",
               "laporan": "reporting", "laporan bulanan": "reporting"}  # fmt: skip
FOLLOW_UPS = tuple((f"follow_up_{n}", f"follow_up_{n}_due") for n in range(1, FOLLOW_UP_SLOTS + 1))
# The visit service's field names -> this kind's.
TO_ROW = {"group": "group_code", "on": "visited_on", "roles": "roles", "topics": "topics",
          "topic_other": "topic_other", "members_present": "members_present", "problems": "problems",
          "follow_ups": "follow_up_1", "companion": "companion_nik"}  # fmt: skip


def _follow_up_columns() -> tuple[Column, ...]:
    columns: list[Column] = []
    for n, (action, due) in enumerate(FOLLOW_UPS, start=1):
        columns += [
            Column(action, f"TINDAK LANJUT {n}", _l("A follow-up action agreed at the visit (optional)."),
                   aliases=(f"follow-up action {n}", f"follow up {n}"), width=30),
            Column(due, f"TGL TINDAK LANJUT {n}", _l("When that action is due, dd/mm/yyyy; not before the visit."),
                   aliases=(f"TANGGAL TINDAK LANJUT {n}", f"follow-up {n} due", f"due on {n}")),
        ]  # fmt: skip
    return tuple(columns)


COLUMNS = (
    Column("group_code", "KODE KUBE", _l("Code of the KUBE visited; a companion's own KUBE only."), required=True,
           aliases=("KODE KELOMPOK", "ID KUBE", "kube code", "group code"), example="3578011001-001"),
    Column("visited_on", "TGL KUNJUNGAN", _l("Date of the visit, dd/mm/yyyy; not in the future."), required=True,
           aliases=("TANGGAL KUNJUNGAN", "TANGGAL", "visit date", "date of the visit"), example="10/05/2024"),
    Column("roles", "PERAN", _l("The roles the visit served, separated by commas: nara sumber, penggerak, "
           "fasilitator (at least one)."), required=True, aliases=("PERAN PENDAMPING", "roles"),
           example="penggerak, fasilitator", width=24),
    Column("topics", "TOPIK", _l("Topics, separated by commas: pembukuan, pemasaran, produksi, modal, iks, "
           "organisasi, konflik, kemitraan, laporan (optional)."), aliases=("TOPIK KUNJUNGAN", "topics"),
           example="pembukuan", width=24),
    Column("topic_other", "TOPIK LAINNYA", _l("Another topic, in words (optional)."), aliases=("other topic",),
           width=24),
    Column("members_present", "ANGGOTA HADIR", _l("Members present at the visit: 0 up to the KUBE's members now."),
           required=True, aliases=("JUMLAH HADIR", "JUMLAH ANGGOTA HADIR", "members present"), example="5"),
    Column("problems", "MASALAH", _l("Problems found (optional)."), aliases=("MASALAH DITEMUKAN", "problems found",
           "problems"), width=30),
    *_follow_up_columns(),
    Column("companion_nik", "NIK PENDAMPING", _l("For an admin's import: the NIK of the companion who made the visit "
           "(the KUBE's companion now if empty). Companions leave it empty."), aliases=("companion nik",), width=20),
)  # fmt: skip


@cache
def roles() -> dict[str, str]:
    return choice_map(ROLE_CHOICES, ROLE_WORDS)


@cache
def topics() -> dict[str, str]:
    return choice_map(Visit.Topic.choices, TOPIC_WORDS)


def codes(value: Any, accepted: Mapping[str, str], *, label: str) -> list[str]:
    """ "penggerak, fasilitator" (a spreadsheet) or "motivator facilitator" (ODK's select-multiple) -> codes, each
    once, in the order given."""
    text = " ".join(str(value).split())
    if re.search(r"[,;]", text):
        parts = re.split(r"\s*[,;]\s*", text)
    else:
        parts = re.sub(r"(?i)nara sumber", "narasumber", text).split(" ")
    found = [pick(part, accepted, label=label) for part in parts if part]
    return list(dict.fromkeys(found))


def _nik(value: Any) -> str:
    return cells.identifier(value, digits=16, label="NIK")


def _same(visit: Visit, row: dict[str, Any]) -> bool:
    """Whether the row says what the stored visit says (its follow-ups aside: they are closed on their own)."""
    given = {
        "roles": sorted(row["roles"]),
        "topics": sorted(row.get("topics", ())),
        "topic_other": " ".join(row.get("topic_other", "").split()),
        "members_present": row["members_present"],
        "problems": row.get("problems", "").strip(),
    }
    stored = {
        "roles": sorted(visit.roles()),
        "topics": sorted(visit.topics),
        "topic_other": visit.topic_other,
        "members_present": visit.members_present,
        "problems": visit.problems,
    }
    return given == stored


class VisitsKind(ImportKind):
    name = "visits"
    title = _l("companion visits")
    permission = "visit.record"
    columns = COLUMNS
    key_fields = ("group_code", "visited_on")
    model_label = "companions.visit"

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        def past(value: Any) -> Any:
            return cells.date(value, allow_future=False, today=ctx.today)

        parsers: dict[str, Callable[[Any], Any]] = {
            "group_code": lambda v: cells.text(v, max_length=20),
            "visited_on": past,
            "roles": lambda v: codes(v, roles(), label=_("role")),
            "topics": lambda v: codes(v, topics(), label=_("topic")),
            "topic_other": lambda v: cells.text(v, max_length=200),
            "members_present": lambda v: cells.integer(v, minimum=0, maximum=999),
            "problems": lambda v: cells.text(v, max_length=4000),
            "companion_nik": _nik,
        }
        for action, due in FOLLOW_UPS:
            parsers[action] = lambda v: cells.text(v, max_length=300)
            parsers[due] = cells.date
        row, errors = convert(raw, parsers, required=self.required())
        row["follow_ups"] = self._follow_ups(raw, row, errors)
        if errors:
            raise RowInvalid(errors)
        return row

    def _follow_ups(self, raw: Mapping[str, Any], row: dict[str, Any], errors: Errors) -> list[tuple[str, Any]]:
        """(action, due date) of the slots used; an action needs its date and a date its action."""
        pairs = []
        for action, due in FOLLOW_UPS:
            if action in row and due in row:
                pairs.append((row[action], row[due]))
            elif action in row and is_blank(raw.get(due)):
                errors.append((due, _("Give the date this action is due.")))
            elif due in row and is_blank(raw.get(action)):
                errors.append((action, _("Describe the action, or clear its date.")))
        return pairs

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        group = group_by_code(ctx, row["group_code"])
        companion = self._companion(row, group, ctx)
        existing = Visit.objects.filter(group=group, on=row["visited_on"])
        if companion is not None:
            existing = existing.filter(companion=companion)
        if (visit := existing.first()) is not None:
            return self._existing(visit, group, row, ctx)
        with service_errors(TO_ROW):
            visit = visit_record(
                actor=ctx.actor,
                group=group,
                on=row["visited_on"],
                roles=row["roles"],
                topics=row.get("topics", ()),
                topic_other=row.get("topic_other", ""),
                members_present=row["members_present"],
                problems=row.get("problems", ""),
                follow_ups=row["follow_ups"],
                companion=companion,
            )
        return Written("created", visit)

    def _companion(self, row: dict[str, Any], group: Group, ctx: Context) -> Companion | None:
        """Who made the visit: the row's NIK, else a companion's own record, else the KUBE's companion now. The
        service refuses a companion who does not accompany the KUBE (and a companion naming someone else)."""
        actor = ctx.actor
        if "companion_nik" in row:
            seen = Companion.objects.all() if actor is None else Companion.objects.visible_to(actor)
            found = seen.filter(nik=row["companion_nik"]).first()
            if found is None:
                raise RowInvalid.one("companion_nik", _("No companion you may see has this NIK."))
            return found
        if actor is not None and not actor.is_superuser and actor.role == Role.COMPANION:
            return Companion.objects.filter(user=actor).first()
        current = group_current_companion(group=group)
        if current is None:
            raise RowInvalid.one("group_code", _("KUBE %(code)s has no companion now.") % {"code": group.code})
        return current

    def _existing(self, visit: Visit, group: Group, row: dict[str, Any], ctx: Context) -> Written:
        label = _("A visit to KUBE %(code)s on %(date)s") % {
            "code": group.code,
            "date": date_format(visit.on, "DATE_FORMAT"),
        }
        if existing_policy(ctx, label=label) == "skip" or _same(visit, row):
            return Written("skipped")  # an update with nothing new is a skip, not a write
        raise RowInvalid.one(
            "visited_on",
            _("%(what)s is already recorded, and a visit stays as recorded: an import does not change it.")
            % {"what": label},
        )

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        """A visit recorded by mistake is taken back by the service's rule: by who recorded it (or an admin),
        within a day (its follow-ups go with it)."""
        visit = Visit.objects.filter(pk=obj_id).first()
        if visit is not None:
            visit_delete(actor=actor, visit=visit)


KIND = VisitsKind()
