"""Unsaved rows for one cluster: families, KUBE, memberships, grants and tranches.

Rows refer to each other as objects; the writer saves them in order (families and KUBE first) so the
foreign keys are filled from the primary keys bulk_create returns."""

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from pendamping.demo import people, vocab
from pendamping.demo.plan import Cluster, Desa, KubePlan
from pendamping.registry.models import BOARD, BoardRole, Family, Grant, Group, Membership, Tranche

T = TypeVar("T")
DECILE_DATES = (dt.date(2024, 6, 30), dt.date(2025, 2, 1), dt.date(2025, 7, 1))
OUTSIDER_STATUS = {
    Family.Status.ACTIVE: 80,
    Family.Status.GRADUATED: 8,
    Family.Status.MOVED: 6,
    Family.Status.INACTIVE: 4,
    Family.Status.DECEASED: 2,
}
GRANT_SOURCES = {Grant.Source.APBN: 35, Grant.Source.DEKON: 20, Grant.Source.APBD_PROV: 30, Grant.Source.APBD_KAB: 15}
SECTORS = {
    Group.Sector.LIVESTOCK: 22,
    Group.Sector.AGRICULTURE: 12,
    Group.Sector.FISHERIES: 6,
    Group.Sector.FOOD: 16,
    Group.Sector.TRADE: 16,
    Group.Sector.CRAFTS: 7,
    Group.Sector.PROCESSING: 12,
    Group.Sector.SERVICES: 6,
    Group.Sector.OTHER: 3,
}


def pick(rng: random.Random, weights: Mapping[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Rows:
    """Everything generated for one batch, in the order it is written."""

    families: list[Family] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    tranches: list[Tranche] = field(default_factory=list)


@dataclass
class Builder:
    rng: random.Random
    ref: dt.date  # the demo's "today": every date is on or before it
    serials: people.SerialBook
    kube_seq: dict[str, int] = field(default_factory=dict)  # per desa, for Group.code

    def family(self, desa: Desa, status: str = Family.Status.ACTIVE) -> Family:
        rng = self.rng
        head = people.person(
            rng,
            self.serials,
            prefix=desa.kecamatan,
            ref=self.ref,
            female_share=0.27,
            madurese_share=desa.madurese_share,
            ages=(22, 74),
        )
        decile = rng.choices((1, 2, 3, 4), weights=(30, 30, 25, 15))[0]
        return Family(
            nik=head.nik,
            kk_number=people.kk_number(rng, desa.kecamatan, head.nik[12:], self.ref),
            head_name=head.name,
            sex=head.sex,
            birth_date=head.birth_date,
            address=self._address(desa),
            rt=f"{rng.randint(1, 15):03d}",
            rw=f"{rng.randint(1, 9):03d}",
            desa_id=desa.code,
            regency_id=desa.regency,
            household_size=rng.choices(range(1, 9), weights=(5, 10, 18, 24, 20, 12, 7, 4))[0],
            monthly_income=rng.randint(8, 50) * 50_000,
            dtks_id=f"{desa.digits}{head.nik[12:]}{rng.randrange(100):02d}",
            welfare_decile=decile,
            decile_as_of=rng.choice(DECILE_DATES),
            status=status,
        )

    def _address(self, desa: Desa) -> str:
        if desa.is_kota:
            return f"Jl. {self.rng.choice(vocab.STREETS)} No. {self.rng.randint(1, 120)}"
        return f"Dusun {self.rng.choice(vocab.DUSUN)}"

    def cluster(self, desa: Desa, plan: Cluster, rows: Rows) -> None:
        for kube in plan.kube:
            members = [self.family(desa) for _ in range(kube.size)]
            group = self.group(desa, kube)
            rows.families.extend(members)
            rows.groups.append(group)
            rows.memberships.extend(self.memberships(group, members))
            if kube.leaver:
                rows.families.append(self._leaver(desa, group, rows))
            if kube.status != Group.Status.FORMING:
                self.grants(group, rows)
        rows.families.extend(self.family(desa, pick(self.rng, OUTSIDER_STATUS)) for _ in range(plan.outsiders))

    def group(self, desa: Desa, plan: KubePlan) -> Group:
        rng, ref = self.rng, self.ref
        seq = self.kube_seq[desa.code] = self.kube_seq.get(desa.code, 0) + 1
        name = f"KUBE {rng.choice(vocab.KUBE_FIRST)} {rng.choice(vocab.KUBE_SECOND)}"
        sector = pick(rng, SECTORS)
        forming = plan.status == Group.Status.FORMING
        founded = people.date_between(
            rng,
            ref - dt.timedelta(days=300) if forming else dt.date(2016, 1, 1),
            ref - dt.timedelta(days=30 if forming else 400),
        )
        group = Group(
            code=f"{desa.digits}-{seq:03d}",
            name=name,
            desa_id=desa.code,
            regency_id=desa.regency,
            sector=sector,
            sector_other=rng.choice(vocab.OTHER_SECTORS) if sector == Group.Sector.OTHER else "",
            founded_on=founded,
            status=plan.status,
            status_changed_on=None if forming else people.date_between(rng, founded, ref),
            status_reason=self._status_reason(plan.status),
        )
        if not forming:
            bank, _w, digits = rng.choices(vocab.BANKS, weights=[b[1] for b in vocab.BANKS])[0]
            group.bank_name, group.bank_account_name = bank, name
            group.bank_account_number = f"{rng.randrange(10**digits):0{digits}d}"
        return group

    def _status_reason(self, status: str) -> str:
        if status == Group.Status.INACTIVE:
            return self.rng.choice(vocab.INACTIVE_REASONS)
        if status == Group.Status.GRADUATED:
            return self.rng.choice(vocab.GRADUATED_REASONS)
        return ""

    def memberships(self, group: Group, members: list[Family]) -> list[Membership]:
        """The first three members form the board; a fifth of the others joined after the founding."""
        rows = []
        for i, family in enumerate(members):
            role = BOARD[i] if i < len(BOARD) else BoardRole.ANGGOTA
            late = role == BoardRole.ANGGOTA and self.rng.random() < 0.2
            joined = people.date_between(self.rng, group.founded_on, self.ref) if late else group.founded_on
            rows.append(Membership(group=group, family=family, role=role, joined_on=joined))
        return rows

    def _leaver(self, desa: Desa, group: Group, rows: Rows) -> Family:
        reason = self.rng.choice(vocab.LEFT_REASONS)
        status = Family.Status.ACTIVE if reason == "Mengundurkan diri" else Family.Status.MOVED
        family = self.family(desa, status)
        left = people.date_between(self.rng, group.founded_on, self.ref)
        rows.memberships.append(
            Membership(
                group=group,
                family=family,
                role=BoardRole.ANGGOTA,
                joined_on=group.founded_on,
                left_on=left,
                left_reason=reason,
            )
        )
        return family

    def grants(self, group: Group, rows: Rows) -> None:
        """Rp 20-30 juta in multiples of Rp 500.000; one or two tranches, sometimes the second still due."""
        rng, ref = self.rng, self.ref
        year = min(ref.year, group.founded_on.year + rng.choice((0, 0, 1)))
        first_day = max(group.founded_on, dt.date(year, 1, 1))
        last_day = min(dt.date(year, 12, 31), ref)
        amount = rng.randint(40, 60) * 500_000
        grant = Grant(
            group=group, amount=amount, source=pick(rng, GRANT_SOURCES), year=year, note=f"Bantuan stimulan UEP {year}"
        )
        rows.grants.append(grant)
        paid = people.date_between(rng, first_day, last_day)
        kind = rng.choices(("single", "split", "pending"), weights=(60, 30, 10))[0]
        if kind == "single":
            rows.tranches.append(Tranche(grant=grant, number=1, amount=amount, disbursed_on=paid))
            return
        first = round(amount * 0.6 / 500_000) * 500_000
        rows.tranches.append(Tranche(grant=grant, number=1, amount=first, disbursed_on=paid))
        if kind == "split":
            later = people.date_between(rng, paid, last_day)
            rows.tranches.append(Tranche(grant=grant, number=2, amount=amount - first, disbursed_on=later))
