"""Demo partnerships: ten partners of the three kinds, their agreements with ACTIVE KUBE, and what came of them.

Each partner signs with KUBE of its own regency (Bank Jatim, province-wide, with KUBE of several regencies).
Most agreements run now, some have ended; each has a few activities: loans, sales, trainings, visits."""

import datetime as dt
import random
from dataclasses import dataclass, field

from pendamping.demo import people
from pendamping.demo.facts import DEMO_TODAY, OFFICER_REGENCIES, add_months
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.regions.models import Region
from pendamping.registry.models import Group

P = Partner.Type


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    type: str
    sector: str
    regencies: tuple[str, ...]  # where it signs; one regency: a partner of that regency
    scopes: tuple[str, ...]  # what its agreements are about
    title: str  # the agreements' title, before the regency name
    contact: str
    address: str
    province_wide: bool = False


PARTNERS = (
    PartnerSpec("Dinas Koperasi dan UKM Kota Surabaya", P.GOVERNMENT, "Pembinaan koperasi dan UMKM", ("35.78",),
                ("training", "marketing"), "Pelatihan dan pameran produk KUBE", "Ir. Hendro Wibisono",
                "Jl. Pemuda No. 17, Surabaya"),
    PartnerSpec("Dinas Peternakan Kabupaten Malang", P.GOVERNMENT, "Peternakan", ("35.07",),
                ("mentoring", "training"), "Pendampingan kesehatan ternak KUBE", "drh. Retno Wulandari",
                "Jl. Raya Kepanjen No. 5, Kepanjen"),
    PartnerSpec("Dinas Perindustrian dan Perdagangan Kabupaten Jember", P.GOVERNMENT, "Industri kecil",
                ("35.09",), ("training", "marketing"), "Pembinaan industri rumahan KUBE", "Drs. Abd. Rahem",
                "Jl. Kalimantan No. 2, Jember"),
    PartnerSpec("Bank Jatim", P.PRIVATE, "Perbankan, Kredit Usaha Rakyat", ("35.78", "35.15", "35.22", "35.26"),
                ("capital", "mentoring"), "Pembiayaan KUR bagi KUBE", "Divisi UMKM", "Kantor cabang setempat",
                province_wide=True),
    PartnerSpec("PT Sumber Pangan Sejahtera", P.PRIVATE, "Distribusi bahan pangan", ("35.15",),
                ("supply", "marketing"), "Pasokan bahan baku dan pembelian produk olahan", "Bambang Setiawan",
                "Jl. Raya Buduran No. 88, Sidoarjo"),
    PartnerSpec("CV Mitra Ternak Madura", P.PRIVATE, "Pakan dan pemasaran ternak", ("35.26",),
                ("supply", "marketing"), "Pasokan pakan dan pembelian kambing", "Moh. Holil",
                "Jl. Raya Tangkel, Burneh"),
    PartnerSpec("UD Osing Kriya", P.PRIVATE, "Pemasaran kerajinan dan oleh-oleh", ("35.10",), ("marketing",),
                "Pemasaran produk KUBE di gerai oleh-oleh", "Sri Wahyuni", "Jl. Ahmad Yani No. 40, Banyuwangi"),
    PartnerSpec("BUMDes Sumber Makmur", P.COMMUNITY, "Usaha milik desa", ("35.22",), ("marketing", "supply"),
                "Penampungan dan pemasaran hasil usaha KUBE", "Sutrisno", "Balai Desa, Bojonegoro"),
    PartnerSpec("Koperasi Wanita Setia Budi", P.COMMUNITY, "Simpan pinjam", ("35.28",), ("capital", "training"),
                "Pinjaman modal bergulir dan pelatihan pembukuan", "Sitti Aisyah", "Jl. Jokotole No. 12, Pamekasan"),
    PartnerSpec("Koperasi Produsen Tani Lestari", P.COMMUNITY, "Pertanian", ("35.09", "35.07"),
                ("supply", "training", "marketing"), "Kemitraan pupuk, benih dan pemasaran hasil panen",
                "Joko Prasetyo", "Jl. Raya Ambulu No. 3, Jember"),
)  # fmt: skip
# What happens under a scope: (description, lowest and highest value in juta; 0: no money involved).
ACTIVITIES = {
    "capital": (("Pencairan pinjaman modal usaha", 10, 50), ("Angsuran pinjaman dibayar lunas tepat waktu", 0, 0)),
    "marketing": (("Penjualan produk KUBE melalui mitra", 1, 15), ("Ikut pameran produk UMKM bersama mitra", 0, 5)),
    "training": (("Pelatihan pembukuan sederhana untuk pengurus", 0, 0), ("Pelatihan pengemasan dan label", 0, 0)),
    "supply": (("Pengiriman bahan baku dengan harga mitra", 2, 10), ("Pengiriman pakan dengan pembayaran tempo", 2, 8)),
    "mentoring": (("Kunjungan pendampingan usaha oleh mitra", 0, 0), ("Konsultasi rencana usaha kelompok", 0, 0)),
}  # fmt: skip


@dataclass
class PartnershipCounts:
    partners: int = 0
    agreements: int = 0
    activities: int = 0
    ended: int = 0
    groups: set[int] = field(default_factory=set)


def demo_partnerships_seed(*, rng: random.Random, officer: int | None, admin: int | None) -> PartnershipCounts:
    counts = PartnershipCounts()
    names = dict(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name"))
    active = _active_kube([code for spec in PARTNERS for code in spec.regencies])
    for spec in PARTNERS:
        partner = Partner.objects.create(
            name=spec.name, type=spec.type, sector=spec.sector, contact_name=spec.contact, address=spec.address,
            regency_id=None if spec.province_wide else spec.regencies[0], phone=people.phone(rng),
        )  # fmt: skip
        counts.partners += 1
        for code in spec.regencies:
            if active.get(code) and code in names:
                _agreements(rng, partner, spec, (code, names[code]), active[code], (officer, admin), counts)
    return counts


def _active_kube(codes: list[str]) -> dict[str, list[Group]]:
    by_regency: dict[str, list[Group]] = {}
    for group in Group.objects.filter(status=Group.Status.ACTIVE, regency_id__in=codes).order_by("id"):
        by_regency.setdefault(group.regency_id, []).append(group)
    return by_regency


def _agreements(
    rng: random.Random,
    partner: Partner,
    spec: PartnerSpec,
    regency: tuple[str, str],
    kube: list[Group],
    who: tuple[int | None, int | None],
    counts: PartnershipCounts,
) -> None:
    """Most partners have one running agreement in a regency; a third also had an earlier one that ended."""
    officer, admin = who
    runs = [(add_months(dt.date(2025, 1, 1), rng.randint(0, 20)), rng.choice((24, 36)))]
    if rng.random() < 0.35:
        runs.insert(0, (add_months(dt.date(2023, 1, 1), rng.randint(0, 6)), 12))
    for start, months in runs:
        end = add_months(start, months) - dt.timedelta(days=1)
        covered = rng.sample(kube, k=min(len(kube), rng.randint(2, 8)))
        value = rng.randint(10, 50) * 5_000_000 if {"capital", "supply"} & set(spec.scopes) else None
        agreement = Agreement.objects.create(
            partner=partner, regency_id=regency[0], title=f"{spec.title} {regency[1]}", start_on=start, end_on=end,
            value=value, document_ref=f"PKS/{rng.randint(1, 199):03d}/{start.year}", created_by_id=admin,
            **{f"scope_{scope}": True for scope in spec.scopes},
        )  # fmt: skip
        agreement.groups.set(covered)
        entered = officer if regency[0] in OFFICER_REGENCIES else admin
        activities = _activities(rng, agreement, spec.scopes, covered, entered)
        Activity.objects.bulk_create(activities)
        counts.agreements, counts.activities = counts.agreements + 1, counts.activities + len(activities)
        counts.ended += end < DEMO_TODAY
        counts.groups.update(g.pk for g in covered if end >= DEMO_TODAY)


def _activities(
    rng: random.Random, agreement: Agreement, scopes: tuple[str, ...], covered: list[Group], entered: int | None
) -> list[Activity]:
    last = min(agreement.end_on, DEMO_TODAY)
    rows = []
    for _ in range(rng.randint(2, 4)):
        description, low, high = rng.choice(ACTIVITIES[rng.choice(scopes)])
        group = rng.choice(covered) if high or rng.random() < 0.5 else None
        rows.append(
            Activity(
                agreement=agreement,
                group=group,
                on=people.date_between(rng, agreement.start_on, last),
                description=f"{description}: {group.name}" if group else description,
                value=rng.randint(low * 10, high * 10) * 100_000 if high else 0,
                entered_by_id=entered,
            )  # fmt: skip
        )
    return sorted(rows, key=lambda a: a.on)
