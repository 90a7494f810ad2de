"""Demo monthly reports and IKS ledgers: every reporting KUBE follows one trajectory over the 24 months.

- growing: revenue rises 1.5-3.5% a month, profit stays positive, assets and savings grow, the IKS is paid
  every month, meetings are regular, reports come on time;
- stagnating: flat revenue, thin margins (some months at a loss), a few members absent, the IKS paid most months;
- failing: like stagnating until a decline: revenue falls, losses, members and meetings drop, the IKS stops,
  then the reports stop altogether.

On top come the seasons (Lebaran, Idul Adha, harvests, the rainy months), noise, and a few late or missing
reports. Amounts are whole rupiah, rounded as people write them in a report book."""

import datetime as dt
import random
from dataclasses import dataclass

from pendamping.demo.build import pick
from pendamping.demo.facts import DEMO_TODAY, FIRST_PERIOD, MONTHS, Kube, add_months, at, month_end, rupiah
from pendamping.enterprise.models import IksEntry, MonthlyReport
from pendamping.registry.models import Group

GROWING, STAGNATING, FAILING = "growing", "stagnating", "failing"
TRAJECTORIES = {GROWING: 35, STAGNATING: 45, FAILING: 20}
S = Group.Sector
# Revenue of the window's first month, in juta (millions of rupiah): a village business on a Rp 20-30 juta grant.
REVENUE: dict[str, tuple[float, float]] = {
    S.LIVESTOCK: (1.5, 3.5), S.AGRICULTURE: (1.5, 4.0), S.FISHERIES: (2.0, 4.5), S.FOOD: (3.0, 7.0),
    S.TRADE: (3.5, 8.0), S.CRAFTS: (1.5, 4.0), S.PROCESSING: (2.5, 6.0), S.SERVICES: (2.0, 4.5),
}  # fmt: skip
LEBARAN = {(2025, 3): 1.3, (2025, 4): 1.1, (2026, 3): 1.3}  # Idul Fitri: 31 March 2025, 20 March 2026
IDUL_ADHA = {(2025, 6): 1.4, (2026, 5): 1.4}  # 6 June 2025, 27 May 2026: goats sell
LEBARAN_SECTORS = (S.FOOD, S.TRADE, S.PROCESSING, S.CRAFTS)
HARVEST_MONTHS = (3, 4, 8)
RAINY_MONTHS = (12, 1, 2)

PROBLEMS = {
    GROWING: (
        "Permintaan naik, stok sering kurang", "Perlu tambahan kandang",
        "Ingin memperluas pemasaran ke pasar kecamatan", "Pembukuan perlu dirapikan karena transaksi bertambah",
    ),
    STAGNATING: (
        "Harga bahan baku naik", "Pembeli sepi", "Persaingan dengan pedagang lain",
        "Sebagian anggota jarang ikut kegiatan", "Cuaca buruk, hasil kurang",
    ),
    FAILING: (
        "Penjualan turun terus", "Modal berkurang untuk menutup kerugian", "Anggota mulai tidak aktif",
        "Ternak sakit, beberapa mati", "Pertemuan kelompok jarang diadakan", "Pengurus sibuk bekerja di luar desa",
    ),
}  # fmt: skip
PROBLEM_SHARE = {GROWING: 0.2, STAGNATING: 0.35, FAILING: 0.6}
IKS_PURPOSES = (
    "Bantuan anggota sakit", "Santunan duka cita keluarga anggota", "Bantuan biaya sekolah anak anggota",
    "Bantuan persalinan keluarga anggota", "Bantuan anggota korban banjir", "Perbaikan rumah anggota rusak angin",
)  # fmt: skip


@dataclass(frozen=True)
class Trajectory:
    kind: str
    revenue: float  # rupiah, the window's first month, before season and noise
    growth: float  # revenue change a month
    margin: float  # profit as a share of revenue at the start
    margin_step: float  # change of the margin a month (failing: from the decline on)
    spread: float  # noise on the margin
    iks_rate: float  # share of profit paid into the IKS
    iks_skip: float  # chance of a profitable month without a contribution
    late: float  # chance of a report coming after the due day
    missing: float  # chance of a month without a report
    decline: int = MONTHS  # index of the first month of the decline (MONTHS: none)
    stop: int = MONTHS  # index of the first month without reports (MONTHS: none)


@dataclass
class Books:
    """The running state of a KUBE's business from month to month."""

    assets: float
    cash: float


def trajectory_for(rng: random.Random, sector: str) -> Trajectory:
    kind = pick(rng, TRAJECTORIES)
    low, high = REVENUE.get(sector, (1.5, 4.0))
    revenue = rng.uniform(low, high) * 1_000_000
    if kind == GROWING:
        return Trajectory(
            kind, revenue, growth=rng.uniform(0.015, 0.035), margin=rng.uniform(0.25, 0.35), margin_step=0.002,
            spread=0.04, iks_rate=rng.uniform(0.08, 0.15), iks_skip=0, late=0.03, missing=0.01,
        )  # fmt: skip
    if kind == STAGNATING:
        return Trajectory(
            kind, revenue, growth=rng.uniform(-0.004, 0.004), margin=rng.uniform(0.06, 0.15), margin_step=0,
            spread=0.08, iks_rate=rng.uniform(0.05, 0.1), iks_skip=0.35, late=0.2, missing=0.05,
        )  # fmt: skip
    stop = rng.randint(12, 21)
    return Trajectory(
        kind, revenue, growth=rng.uniform(-0.005, 0.01), margin=rng.uniform(0.08, 0.16), margin_step=-0.03,
        spread=0.06, iks_rate=rng.uniform(0.05, 0.1), iks_skip=0.1, late=0.3, missing=0.08,
        decline=rng.randint(stop - 9, stop - 4), stop=stop,
    )  # fmt: skip


def season(sector: str, period: dt.date) -> float:
    rain = 0.92 if period.month in RAINY_MONTHS else 1.0
    if sector == S.LIVESTOCK:
        return rain * IDUL_ADHA.get((period.year, period.month), 1.0)
    if sector in (S.AGRICULTURE, S.FISHERIES):
        return rain * (1.3 if period.month in HARVEST_MONTHS else 1.0)
    if sector in LEBARAN_SECTORS:
        return rain * LEBARAN.get((period.year, period.month), 1.0)
    return rain


def _figures(rng: random.Random, t: Trajectory, i: int, sector: str) -> tuple[int, int]:
    """Revenue and operating costs of month `i`."""
    falling = max(0, i - t.decline + 1)
    trend = t.revenue * (1 + t.growth) ** i * 0.92**falling
    revenue = rupiah(trend * season(sector, add_months(FIRST_PERIOD, i)) * rng.uniform(0.9, 1.1))
    steps = falling if t.kind == FAILING else i
    margin = t.margin + t.margin_step * steps + rng.uniform(-t.spread, t.spread)
    if t.kind == GROWING:
        margin = max(margin, 0.12)
    return revenue, rupiah(revenue * (1 - margin))


def _people(rng: random.Random, t: Trajectory, i: int, members: int) -> tuple[int, int]:
    """Members active and meetings held in month `i`."""
    if t.kind == GROWING:
        active, meetings = members - (rng.random() < 0.1), rng.choice((2, 3, 3, 4, 4))
    elif t.kind == STAGNATING or i < t.decline:
        active, meetings = members - rng.choice((0, 1, 1, 2, 2, 3)), rng.choice((0, 1, 1, 1, 2, 2))
    else:
        falling = i - t.decline + 1
        active, meetings = members - 1 - falling, 2 - falling // 2 - rng.choice((0, 1))
    return max(0, min(members, max(active, 2))), max(0, meetings)


def _iks(rng: random.Random, t: Trajectory, i: int, profit: int) -> int:
    if profit <= 0 or (t.kind == FAILING and i > t.decline) or rng.random() < t.iks_skip:
        return 0
    return rupiah(profit * t.iks_rate)


def _keep_books(rng: random.Random, t: Trajectory, i: int, books: Books, profit: int) -> None:
    if t.kind == GROWING:
        books.assets += profit * rng.uniform(0.3, 0.5)
        books.cash += profit * rng.uniform(0.2, 0.35)
    elif t.kind == FAILING and i >= t.decline:
        books.assets = books.assets * 0.98 + min(profit, 0) * 0.5
        books.cash += profit * 0.5
    else:
        books.assets = books.assets * 0.995 + max(profit, 0) * 0.05
        books.cash += profit * (0.15 if profit > 0 else 0.5)
    books.assets, books.cash = max(books.assets, 0.0), max(books.cash, 0.0)


def _submitted_at(rng: random.Random, t: Trajectory, period: dt.date) -> dt.datetime:
    """On time: the 1st-10th of the following month; late: the 11th-21st of that month or of the one after."""
    if rng.random() < t.late:
        day = add_months(period, 2 if rng.random() < 0.25 else 1) + dt.timedelta(days=rng.randint(10, 20))
    else:
        day = add_months(period, 1) + dt.timedelta(days=rng.randint(0, 9))
    return at(min(day, DEMO_TODAY - dt.timedelta(days=1)), rng.randint(7, 20), rng.randint(0, 59))


def _month(rng: random.Random, kube: Kube, t: Trajectory, i: int, books: Books) -> MonthlyReport | None:
    """Month `i`'s report (None: the month went unreported); the business runs on either way."""
    group, period = kube.group, add_months(FIRST_PERIOD, i)
    revenue, costs = _figures(rng, t, i, group.sector)
    iks = _iks(rng, t, i, revenue - costs)
    _keep_books(rng, t, i, books, revenue - costs)
    active, meetings = _people(rng, t, i, len(kube.current))
    if rng.random() < t.missing:
        return None
    troubled = t.kind != FAILING or i >= t.decline
    problems = rng.choice(PROBLEMS[t.kind]) if troubled and rng.random() < PROBLEM_SHARE[t.kind] else ""
    return MonthlyReport(
        group=group, regency_id=group.regency_id, period=period, revenue=revenue, operating_costs=costs,
        capital_assets=rupiah(books.assets, 10_000), cash_savings=rupiah(books.cash), members_active=active,
        meetings_held=meetings, iks_collected=iks, problems=problems, submitted_by_id=kube.user_id,
        submitted_at=_submitted_at(rng, t, period),
    )  # fmt: skip


def reports_for(rng: random.Random, kube: Kube, t: Trajectory) -> tuple[list[MonthlyReport], list[IksEntry]]:
    """The KUBE's reports (only months from its founding on) and the IKS contribution each one records."""
    grant = kube.grant_total or rng.randint(16, 24) * 500_000
    books = Books(assets=grant * rng.uniform(0.75, 0.95), cash=rng.uniform(0.5, 2.0) * 1_000_000)
    reports, contributions = [], []
    for i in range(min(t.stop, MONTHS)):
        if add_months(FIRST_PERIOD, i) < kube.group.founded_on:
            continue
        report = _month(rng, kube, t, i, books)
        if report is None:
            continue
        reports.append(report)
        if report.iks_collected:
            contributions.append(
                IksEntry(
                    group=kube.group,
                    kind=IksEntry.Kind.IN,
                    report=report,
                    on=month_end(report.period),
                    amount=report.iks_collected,
                    entered_by_id=kube.user_id,
                )  # fmt: skip
            )
    return reports, contributions


def iks_uses_for(rng: random.Random, kube: Kube, contributions: list[IksEntry]) -> list[IksEntry]:
    """One to three uses for about a third of the paying KUBE, each at most the balance on its day."""
    if not contributions or not kube.current or rng.random() >= 0.35:
        return []
    days = sorted(
        min(rng.choice(contributions[2:] or contributions).on + dt.timedelta(days=rng.randint(3, 25)), DEMO_TODAY)
        for _ in range(rng.randint(1, 3))
    )
    uses: list[IksEntry] = []
    for day in days:
        balance = sum(c.amount for c in contributions if c.on <= day) - sum(u.amount for u in uses)
        amount = rupiah(balance * rng.uniform(0.2, 0.6), 10_000)
        if amount >= 50_000:
            uses.append(
                IksEntry(
                    group=kube.group,
                    kind=IksEntry.Kind.OUT,
                    on=day,
                    amount=amount,
                    purpose=rng.choice(IKS_PURPOSES),
                    recipient=rng.choice(kube.current).name,
                    entered_by_id=kube.user_id,
                )  # fmt: skip
            )
    return uses
