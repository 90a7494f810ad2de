"""KUBE with their members, one row per member, as offices keep their KUBE member lists.

A row names its KUBE by code (a KUBE already registered) or, for a new KUBE, by village and name: the first row of
a new KUBE creates it (it stays *forming*: activating it is a decision taken on its page), the next rows add their
members to it. The member is a registered family, found by its head's NIK. A row's record is the membership."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.core.nik import mask_number
from pendamping.exchange import cells
from pendamping.exchange.kinds import _groups_undo
from pendamping.exchange.kinds._common import (
    choice_map,
    convert,
    group_by_code,
    norm,
    pick,
    plain,
    refuse_outside,
    service_errors,
    text_not_number,
    village_code,
)
from pendamping.exchange.kinds.base import (
    Column,
    Context,
    ImportKind,
    RowInvalid,
    Written,
    changed_fields,
    existing_policy,
)
from pendamping.regions.models import Region
from pendamping.registry.models import BoardRole, Family, Group, Membership
from pendamping.registry.services import group_create, group_update, membership_add, membership_set_role

GROUP_FIELDS = (
    "name",
    "sector",
    "sector_other",
    "founded_on",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
)
NEW_GROUP = ("name", "desa_code", "sector", "founded_on")  # what a row must give when it has no KUBE code
# The services' field names -> this kind's.
TO_ROW = {**{f: f for f in GROUP_FIELDS}, "desa": "desa_code", "family": "member_nik", "role": "role"}
SECTOR_CHOICES = ("peternakan", "pertanian", "perikanan", "warung makan/katering", "perdagangan kecil", "kerajinan",
                  "pengolahan pangan", "jasa", "lainnya")  # fmt: skip
SECTOR_WORDS = {
    **dict(zip(SECTOR_CHOICES, Group.Sector.values, strict=True)),
    "ternak": "livestock", "tani": "agriculture", "ikan": "fisheries", "warung makan": "food", "kuliner": "food",
    "katering": "food", "perdagangan": "trade", "dagang": "trade", "warung kelontong": "trade", "kios": "trade",
    "toko": "trade", "pengolahan makanan": "processing", "industri rumah tangga": "processing",
    "home industry": "processing", "menjahit": "services", "bengkel": "services", "lain-lain": "other",
}  # fmt: skip
ROLE_WORDS = {"ketua": "ketua", "sekretaris": "sekretaris", "bendahara": "bendahara", "anggota": "anggota",
              "chair": "ketua", "secretary": "sekretaris", "sekertaris": "sekretaris", "treasurer": "bendahara",
              "member": "anggota"}  # fmt: skip
ROLE_CHOICES = ("ketua", "sekretaris", "bendahara", "anggota")

COLUMNS = (
    Column("group_code", "KODE KUBE", _l("Code of a KUBE already registered (e.g. 3578011001-001), to add members to "
           "it. Leave empty for a new KUBE: it gets its code when imported."),
           aliases=("KODE KELOMPOK", "ID KUBE", "kube code", "group code"), example="3578011001-001"),
    Column("name", "NAMA KUBE", _l("Name of the KUBE. Required for a new KUBE (no KODE KUBE); rows of one new KUBE "
           "repeat the same name and village."), aliases=("NAMA KELOMPOK", "kube name", "group name", "name"),
           example="KUBE Maju Bersama", width=28),
    Column("desa_code", "KODE DESA", _l("Kemendagri code of the KUBE's village, e.g. 35.78.01.1001 (or 3578011001). "
           "Required for a new KUBE."), aliases=("KODE DESA/KELURAHAN", "KODE KELURAHAN", "KODE WILAYAH",
           "village code"), example="35.78.01.1001"),
    Column("sector", "JENIS USAHA", _l("Business sector. Required for a new KUBE."),
           aliases=("BIDANG USAHA", "SEKTOR USAHA", "sector", "business sector"), choices=SECTOR_CHOICES,
           example="peternakan", width=22),
    Column("sector_other", "USAHA LAINNYA", _l("The business, when JENIS USAHA is 'lainnya'."),
           aliases=("JENIS USAHA LAINNYA", "other sector"), width=22),
    Column("founded_on", "TGL BERDIRI", _l("Founding date, dd/mm/yyyy; not in the future. Required for a new KUBE."),
           aliases=("TANGGAL BERDIRI", "TGL PEMBENTUKAN", "TANGGAL PEMBENTUKAN", "founded on", "founding date"),
           example="15/01/2024"),
    Column("bank_name", "BANK", _l("Bank of the KUBE's account (optional)."), aliases=("NAMA BANK", "bank name"),
           example="BRI"),
    Column("bank_account_number", "NO REKENING", _l("Account number, typed as text (optional)."),
           aliases=("NOMOR REKENING", "NO. REKENING", "REKENING", "account number"), example="001201000123456",
           width=20),
    Column("bank_account_name", "NAMA REKENING", _l("Name on the account (optional)."),
           aliases=("ATAS NAMA", "NAMA PEMILIK REKENING", "account name"), width=24),
    Column("member_nik", "NIK ANGGOTA", _l("NIK of the member family's head: 16 digits typed as TEXT. The family "
           "must already be registered (import the families first) and live in the KUBE's village."), required=True,
           aliases=("NIK", "NIK KEPALA KELUARGA", "NIK KRT", "member nik"), example="3578014506800002", width=20),
    Column("member_name", "NAMA ANGGOTA", _l("The member's name, to help you read the list; not imported (the NIK "
           "decides)."), aliases=("NAMA", "member name"), width=24),
    Column("role", "JABATAN", _l("ketua, sekretaris, bendahara or anggota; anggota if empty. One of each board role "
           "per KUBE."), aliases=("JABATAN DALAM KUBE", "KEDUDUKAN", "role", "board role"), choices=ROLE_CHOICES,
           example="anggota"),
    Column("joined_on", "TGL BERGABUNG", _l("Date the member joined, dd/mm/yyyy; the founding date if empty."),
           aliases=("TANGGAL BERGABUNG", "TGL MASUK", "joined on"), example="15/01/2024"),
)  # fmt: skip


@cache
def sectors() -> dict[str, str]:
    return choice_map(Group.Sector.choices, SECTOR_WORDS)


@cache
def roles() -> dict[str, str]:
    return choice_map(BoardRole.choices, ROLE_WORDS)


def _founded(ctx: Context) -> set[int]:
    """The KUBE this import has founded (their fields come from their first row, never updated by later ones)."""
    return ctx.memo("groups:founded", set)


def _villages() -> set[str]:
    return set(Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True))


class GroupsKind(ImportKind):
    name = "groups"
    title = _l("KUBE with members")
    permission = "group.change"
    columns = COLUMNS
    key_fields = ("group_ref", "member_nik")
    model_label = "registry.membership"

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        def when(value: Any) -> Any:
            return cells.date(value, allow_future=False, today=ctx.today)

        row, errors = convert(
            raw,
            {
                "group_code": lambda v: cells.text(v, max_length=20),
                "name": lambda v: " ".join(cells.text(v, max_length=120).split()),
                "desa_code": village_code,
                "sector": lambda v: pick(v, sectors(), label=_("business sector")),
                "sector_other": lambda v: cells.text(v, max_length=80),
                "founded_on": when,
                "bank_name": lambda v: cells.text(v, max_length=60),
                "bank_account_number": lambda v: text_not_number(v, max_length=30, what=_("The account number")),
                "bank_account_name": lambda v: cells.text(v, max_length=120),
                "member_nik": lambda v: cells.identifier(v, digits=16, label="NIK"),
                "role": lambda v: pick(v, roles(), label=_("board role")),
                "joined_on": when,
            },
            required=("member_nik",),
        )
        faulty = {name for name, _message in errors}
        if "group_code" not in row and "group_code" not in faulty:
            for name in NEW_GROUP:
                if name not in row and name not in faulty:
                    errors.append((name, _("Required for a new KUBE (a row without KODE KUBE).")))
        if row.get("sector") == Group.Sector.OTHER and not row.get("sector_other"):
            errors.append(("sector_other", _("Name the business when JENIS USAHA is 'lainnya'.")))
        errors += self._place(row, ctx)
        if errors:
            raise RowInvalid(errors)
        row["group_ref"] = row.get("group_code") or f"{row['desa_code']}/{norm(row['name'])}"
        return row

    def _place(self, row: dict[str, Any], ctx: Context) -> list[tuple[str, str]]:
        code = row.get("desa_code")
        if code is None:
            return []
        if code not in ctx.memo("groups:villages", _villages):
            return [("desa_code", _("Unknown village (desa/kelurahan) code: %(code)s") % {"code": code})]
        try:
            refuse_outside(ctx, code[:5], field="desa_code", what=_("Village %(code)s") % {"code": code})
        except RowInvalid as exc:
            return exc.errors
        return []

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        group, founded = self._group(row, ctx)
        family = self._family(row, ctx)
        current = None if founded else group.memberships.current().filter(family=family).first()
        if current is not None:
            return self._existing(current, group, row, ctx)
        before: dict[str, Any] = {"group_created": True} if founded else {}
        if not founded and (changed := self._update_group(group, row, ctx)):
            before["group"] = changed
        with service_errors(TO_ROW):
            membership = membership_add(
                actor=ctx.actor,
                group=group,
                family=family,
                role=row.get("role", BoardRole.ANGGOTA),
                joined_on=row.get("joined_on") or group.founded_on,
            )
        if founded:  # only now: a row that fails takes its new KUBE with it (the engine rolls the row back)
            ctx.cache[f"groups:new:{row['group_ref']}"] = group.pk
            _founded(ctx).add(group.pk)
        return Written("created", membership, before=before or None, extra=(group,) if founded else ())

    def _group(self, row: dict[str, Any], ctx: Context) -> tuple[Group, bool]:
        """The row's KUBE, and whether this row founded it."""
        if "group_code" in row:
            group = group_by_code(ctx, row["group_code"])
            if row.get("desa_code", group.desa_id) != group.desa_id:
                raise RowInvalid.one(
                    "desa_code",
                    _("KUBE %(code)s is in village %(desa)s, not %(given)s.")
                    % {"code": group.code, "desa": group.desa_id, "given": row["desa_code"]},
                )
            return group, False
        earlier = self._earlier(row, ctx)
        if earlier is not None:
            return earlier, False
        found = list(Group.objects.filter(desa_id=row["desa_code"], name__iexact=row["name"])[:2])
        if len(found) > 1:
            raise RowInvalid.one(
                "name", _("Several KUBE in this village are named %(name)s; give KODE KUBE.") % {"name": row["name"]}
            )
        if found:
            return found[0], False
        data = {name: row[name] for name in GROUP_FIELDS if name in row}
        with service_errors(TO_ROW):
            return group_create(actor=ctx.actor, desa_code=row["desa_code"], **data), True

    def _earlier(self, row: dict[str, Any], ctx: Context) -> Group | None:
        """A KUBE an earlier row of this file founded: this row must describe it the same way."""
        pk = ctx.cache.get(f"groups:new:{row['group_ref']}")
        group = Group.objects.filter(pk=pk).first() if pk else None
        if group is None:
            return None
        differs = changed_fields(group, row, [f for f in GROUP_FIELDS if f != "name"])
        if differs:
            raise RowInvalid(
                [
                    (name, _("An earlier row of this KUBE gives another value; rows of one KUBE must agree."))
                    for name in differs
                ]
            )
        return group

    def _family(self, row: dict[str, Any], ctx: Context) -> Family:
        nik = row["member_nik"]
        family = Family.objects.filter(nik=nik).first()
        if family is None:
            raise RowInvalid.one(
                "member_nik", _("No family with NIK %(nik)s is registered; import the families first.") % {"nik": nik}
            )
        refuse_outside(ctx, family.regency_id, field="member_nik", what=_("The family of NIK %(nik)s") % {"nik": nik})
        return family

    def _update_group(self, group: Group, row: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
        """With 'update', the KUBE's own fields from the row (its name only when the row names it by code); the
        fields as they were, for undo."""
        if ctx.on_existing != "update" or group.pk in _founded(ctx):
            return None
        names = [f for f in GROUP_FIELDS if f != "name" or "group_code" in row]
        changes = changed_fields(group, row, names)
        if not changes:
            return None
        before = {name: plain(getattr(group, name)) for name in changes}
        with service_errors(TO_ROW):
            group_update(actor=ctx.actor, group=group, **changes)
        group.refresh_from_db()
        return before

    def _existing(self, membership: Membership, group: Group, row: dict[str, Any], ctx: Context) -> Written:
        label = _("%(nik)s's membership of KUBE %(code)s") % {"nik": mask_number(row["member_nik"]), "code": group.code}
        if existing_policy(ctx, label=label) == "skip":
            return Written("skipped")
        before: dict[str, Any] = {}
        if changed := self._update_group(group, row, ctx):
            before["group"] = changed
        if row.get("role", membership.role) != membership.role:
            holder = group.memberships.current().filter(role=row["role"]).exclude(pk=membership.pk).first()
            before |= {"role": membership.role, "holder": holder.pk if holder and row["role"] != "anggota" else None}
            with service_errors(TO_ROW):
                membership_set_role(actor=ctx.actor, membership=membership, role=row["role"])
        if not before:
            return Written("skipped")
        membership.refresh_from_db()
        return Written("updated", membership, before=before)

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        _groups_undo.undo(obj_id, action, before or {}, actor=actor)


KIND = GroupsKind()
