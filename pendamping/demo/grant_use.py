"""Demo grant use: each grant's spending plan (RAB), what was bought with receipts, and the tranches' approvals.

A RAB has three to six items fitting the KUBE's sector, its total at most the grant (most plans use it all).
Purchases start after the first tranche and never spend more than the approved tranches; about a quarter of
the KUBE leave part of the money unspent. Tranches were entered by the demo officer and approved by the demo
admin (four eyes); one or two recent second tranches wait for approval, so the approval button shows."""

import datetime as dt
import random
from dataclasses import dataclass

from pendamping.demo.facts import DEMO_TODAY, OFFICER_REGENCIES, Kube, at, rupiah
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.registry.models import Grant, Group, Tranche

S = Group.Sector
# (item, unit, lowest and highest unit price, share of the grant); the first item is the sector's main purchase.
# A "paket" is bought once at the planned amount.
Item = tuple[str, str, int, int, int]
CATALOG: dict[str, tuple[Item, ...]] = {
    S.LIVESTOCK: (
        ("Kambing bibit", "ekor", 1_500_000, 2_500_000, 55), ("Kandang kambing", "paket", 0, 0, 15),
        ("Pakan konsentrat", "sak", 180_000, 250_000, 10), ("Obat dan vitamin ternak", "paket", 0, 0, 4),
        ("Mesin pencacah rumput", "unit", 3_000_000, 4_500_000, 12), ("Peralatan kandang", "paket", 0, 0, 4),
    ),
    S.AGRICULTURE: (
        ("Bibit cabai rawit", "polybag", 1_000, 1_500, 20), ("Pupuk NPK", "sak", 250_000, 350_000, 20),
        ("Sewa lahan satu musim", "paket", 0, 0, 20), ("Pompa air", "unit", 2_000_000, 3_500_000, 15),
        ("Sprayer elektrik", "unit", 450_000, 700_000, 8), ("Pestisida nabati", "liter", 60_000, 90_000, 5),
    ),
    S.FISHERIES: (
        ("Benih lele", "ekor", 250, 400, 20), ("Kolam terpal bulat", "unit", 1_500_000, 2_500_000, 30),
        ("Pakan ikan (pelet)", "sak", 300_000, 400_000, 30), ("Aerator", "unit", 400_000, 800_000, 8),
        ("Jaring dan peralatan panen", "paket", 0, 0, 6),
    ),
    S.FOOD: (
        ("Gerobak dagang", "unit", 2_500_000, 4_500_000, 20), ("Peralatan masak", "paket", 0, 0, 20),
        ("Kompor gas dan tabung", "set", 700_000, 1_200_000, 8), ("Bahan baku awal", "paket", 0, 0, 25),
        ("Etalase kaca", "unit", 1_500_000, 2_500_000, 10), ("Freezer", "unit", 2_500_000, 4_000_000, 15),
    ),
    S.TRADE: (
        ("Stok barang dagangan awal", "paket", 0, 0, 45), ("Rak dan etalase", "unit", 800_000, 1_500_000, 15),
        ("Freezer minuman", "unit", 3_000_000, 4_500_000, 15), ("Timbangan digital", "unit", 400_000, 800_000, 5),
        ("Renovasi kios", "paket", 0, 0, 20),
    ),
    S.CRAFTS: (
        ("Mesin jahit", "unit", 1_800_000, 3_500_000, 35), ("Bahan baku kain dan benang", "paket", 0, 0, 25),
        ("Bambu", "batang", 15_000, 30_000, 10), ("Peralatan anyam", "paket", 0, 0, 10),
        ("Pewarna dan bahan finishing", "paket", 0, 0, 10), ("Meja potong", "unit", 600_000, 1_000_000, 10),
    ),
    S.PROCESSING: (
        ("Mesin penggiling", "unit", 3_000_000, 6_000_000, 30), ("Kedelai", "kg", 10_000, 13_000, 20),
        ("Mesin pengemas (sealer)", "unit", 500_000, 1_500_000, 10), ("Kemasan dan label", "paket", 0, 0, 15),
        ("Wajan dan kompor besar", "set", 900_000, 1_500_000, 10),
        ("Izin PIRT dan sertifikasi halal", "paket", 0, 0, 5),
    ),
    S.SERVICES: (
        ("Mesin cuci steam", "unit", 3_000_000, 5_000_000, 35), ("Kompresor", "unit", 2_000_000, 3_500_000, 20),
        ("Peralatan bengkel", "paket", 0, 0, 20), ("Renovasi tempat usaha", "paket", 0, 0, 25),
    ),
}  # fmt: skip
GENERAL: tuple[Item, ...] = (
    ("Peralatan usaha", "paket", 0, 0, 35), ("Bahan baku awal", "paket", 0, 0, 30),
    ("Renovasi tempat usaha", "paket", 0, 0, 20), ("Etalase", "unit", 1_000_000, 2_000_000, 15),
)  # fmt: skip
RECEIPT_KINDS = ("NOTA", "NOTA", "KW", "INV")
PENDING_WANTED = 2


def plan_for(rng: random.Random, grant: Grant, sector: str) -> list[PlanItem]:
    """Three to six items; their total is at most the grant, and equal to it in seven plans out of ten."""
    catalog = CATALOG.get(sector, GENERAL)
    chosen = [catalog[0], *rng.sample(catalog[1:], k=min(len(catalog) - 1, rng.randint(2, 5)))]
    weights = [item[4] * rng.uniform(0.7, 1.3) for item in chosen]
    items = []
    for position, ((name, unit, low, high, _share), weight) in enumerate(zip(chosen, weights, strict=True)):
        budget = grant.amount * weight / sum(weights)
        if unit == "paket":
            quantity, price = 1, rupiah(budget, 50_000) or 50_000
        else:
            price = rupiah(rng.uniform(low, high), 50 if high < 10_000 else 5_000)
            quantity = max(1, int(budget // price))
        items.append(PlanItem(grant=grant, description=name, unit=unit, quantity=quantity, unit_price=price,
                              position=position))  # fmt: skip
    _fit(rng, grant.amount, items)
    return items


def _fit(rng: random.Random, amount: int, items: list[PlanItem]) -> None:
    """Never above the grant; most plans put the remainder on a package item so they use the grant exactly."""
    while sum(i.quantity * i.unit_price for i in items) > amount:
        largest = max(items, key=lambda i: i.quantity * i.unit_price)
        if largest.quantity > 1:
            largest.quantity -= 1
        else:
            largest.unit_price -= sum(i.quantity * i.unit_price for i in items) - amount
    remainder = amount - sum(i.quantity * i.unit_price for i in items)
    package = next((i for i in items if i.unit == "paket"), None)
    if remainder and package is not None and rng.random() < 0.7:
        package.unit_price += remainder


def realisations_for(rng: random.Random, kube: Kube, grant: Grant, items: list[PlanItem]) -> list[Realisation]:
    """Purchases item by item after the tranches that pay for them, never more than the approved tranches."""
    paid = [t for t in grant.tranches.all() if t.status == Tranche.Status.APPROVED]
    if not paid:
        return []
    thrifty = rng.random() < 0.25  # leaves part of the grant unspent
    spent, rows = 0, []
    day = paid[0].disbursed_on + dt.timedelta(days=rng.randint(2, 20))
    for item in items:
        planned = item.quantity * item.unit_price
        amount = rupiah(planned * (rng.uniform(0.5, 0.9) if thrifty else rng.uniform(0.95, 1.0)))
        amount = min(amount, sum(t.amount for t in paid) - spent)
        funded = next((t for t in paid if sum(p.amount for p in paid if p.number <= t.number) >= spent + amount), None)
        if amount <= 0 or funded is None:
            break
        day = max(day, funded.disbursed_on + dt.timedelta(days=rng.randint(1, 10)))
        if day > DEMO_TODAY:
            break
        rows.append(_receipt(rng, kube, grant, item, day, amount))
        spent, day = spent + amount, day + dt.timedelta(days=rng.randint(0, 21))
    return rows


def _receipt(rng: random.Random, kube: Kube, grant: Grant, item: PlanItem, day: dt.date, amount: int) -> Realisation:
    what = f"{item.description} ({item.quantity:,} {item.unit})".replace(",", ".") if item.unit != "paket" else ""
    return Realisation(
        grant=grant, plan_item=item, spent_on=day, amount=amount, description=what or item.description,
        receipt_ref=f"{rng.choice(RECEIPT_KINDS)}/{day.year}/{rng.randint(1, 9999):04d}", entered_by_id=kube.user_id,
    )  # fmt: skip


@dataclass(frozen=True)
class Approvers:
    entered_by: int | None  # the demo officer
    approved_by: int | None  # the demo admin


def approve(rng: random.Random, tranches: list[Tranche], who: Approvers) -> list[Tranche]:
    """Every tranche of the registry seed was paid: approved a few days before its disbursement. (Tranches a
    migration approved without names get the demo's enterer and approver.)"""
    changed = []
    for tranche in tranches:
        if tranche.status == Tranche.Status.PENDING:
            tranche.status = Tranche.Status.APPROVED
            tranche.approved_at = at(tranche.disbursed_on - dt.timedelta(days=rng.randint(1, 5)), rng.randint(8, 15))
        elif tranche.entered_by_id is not None or tranche.approved_by_id is not None:
            continue
        tranche.entered_by_id, tranche.approved_by_id = who.entered_by, who.approved_by
        changed.append(tranche)
    return changed


def pending_second_tranches(rng: random.Random, who: Approvers) -> list[Tranche]:
    """The second tranche of one or two ACTIVE KUBE's grants, entered by the officer last week, not yet approved."""
    grants = Grant.objects.filter(group__status=Group.Status.ACTIVE, group__regency_id__in=OFFICER_REGENCIES)
    single = grants.prefetch_related("tranches").order_by("-year", "id")[:200]
    rows: list[Tranche] = []
    for grant in single:
        tranches = list(grant.tranches.all())
        paid = sum(t.amount for t in tranches)
        if len(tranches) == 1 and paid < grant.amount and len(rows) < PENDING_WANTED:
            day = DEMO_TODAY - dt.timedelta(days=rng.randint(3, 9))
            rows.append(Tranche(grant=grant, number=2, amount=grant.amount - paid, disbursed_on=day,
                                entered_by_id=who.entered_by))  # fmt: skip
    return rows
