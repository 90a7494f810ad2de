"""Where the demo families live and how they cluster into KUBE.

Families are generated a desa at a time ("a cluster"): one to three KUBE of 5-20 members plus a few
families outside any KUBE, so most families are members and every KUBE draws from its own desa."""

import random
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pendamping.demo.people import SerialBook
from pendamping.regions.models import Region
from pendamping.registry.models import Group

# (regency code, weight, share of Madurese names). Madura and the Tapal Kuda have many Madurese families.
DEMO_REGENCIES: tuple[tuple[str, int, float], ...] = (
    ("35.78", 22, 0.25),  # Kota Surabaya
    ("35.07", 18, 0.05),  # Kabupaten Malang
    ("35.09", 14, 0.55),  # Kabupaten Jember
    ("35.15", 12, 0.05),  # Kabupaten Sidoarjo
    ("35.22", 10, 0.0),  # Kabupaten Bojonegoro
    ("35.26", 9, 0.95),  # Kabupaten Bangkalan
    ("35.10", 8, 0.3),  # Kabupaten Banyuwangi
    ("35.28", 7, 0.95),  # Kabupaten Pamekasan
)
# Other regencies of the loaded table join only when the demo regencies' kecamatan run out of NIK serials
# (about 1.9 million families).
FALLBACK_WEIGHT = 5
FALLBACK_MADURESE = 0.1
# Serials kept free in every kecamatan a cluster lands in, for the companions who live there.
SERIAL_RESERVE = 20

STATUS_WEIGHTS = {
    Group.Status.ACTIVE: 78,
    Group.Status.FORMING: 8,
    Group.Status.INACTIVE: 8,
    Group.Status.GRADUATED: 6,
}


@dataclass(frozen=True)
class Desa:
    code: str  # "35.78.01.1001"
    kecamatan: str  # NIK prefix "357801"
    regency: str  # "35.78"
    madurese_share: float

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")

    @property
    def is_kota(self) -> bool:
        return self.regency[3] == "7"  # 35.7x are the cities


class DesaPool:
    """Picks the desa of the next cluster: a regency by weight, then a desa in it, skipping kecamatan
    whose serials are used up."""

    def __init__(self, by_regency: dict[str, list[Desa]], weights: dict[str, int], serials: SerialBook) -> None:
        self._desa = by_regency
        self._weights = {code: w for code, w in weights.items() if by_regency.get(code)}
        self._fallback = sorted(code for code in by_regency if code not in weights)
        self._serials = serials

    @classmethod
    def load(cls, serials: SerialBook) -> "DesaPool":
        """One query for every desa of the loaded table; nothing more is read while seeding."""
        shares = {code: share for code, _w, share in DEMO_REGENCIES}
        by_regency: dict[str, list[Desa]] = {}
        villages = Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").values_list("code", flat=True)
        for code in villages.iterator(chunk_size=5000):
            regency = code[:5]
            share = shares.get(regency, FALLBACK_MADURESE)
            by_regency.setdefault(regency, []).append(Desa(code, code.replace(".", "")[:6], regency, share))
        pool = cls(by_regency, {code: w for code, w, _s in DEMO_REGENCIES}, serials)
        if not pool._weights:
            raise ValueError(_("No desa of the demo regencies found: run `pendamping load_regions` first."))
        return pool

    def pick(self, rng: random.Random, need: int) -> Desa:
        while True:
            if not self._weights:
                self._open_fallback()
            codes = list(self._weights)
            regency = rng.choices(codes, weights=[self._weights[c] for c in codes])[0]
            desa = rng.choice(self._desa[regency])
            if self._serials.room(desa.kecamatan) >= need + SERIAL_RESERVE:
                return desa
            self._close(desa)

    def _close(self, full: Desa) -> None:
        left = [d for d in self._desa[full.regency] if d.kecamatan != full.kecamatan]
        self._desa[full.regency] = left
        if not left:
            del self._weights[full.regency]

    def _open_fallback(self) -> None:
        fresh = {code: FALLBACK_WEIGHT for code in self._fallback if self._desa[code]}
        self._fallback = []
        if not fresh:
            raise ValueError(_("The loaded regions have no NIK serials left for more demo families."))
        self._weights = fresh


@dataclass
class KubePlan:
    size: int
    status: str
    leaver: bool  # one more family that was a member and left


@dataclass
class Cluster:
    kube: list[KubePlan] = field(default_factory=list)
    outsiders: int = 0  # families of the desa in no KUBE

    @property
    def families(self) -> int:
        return sum(k.size + k.leaver for k in self.kube) + self.outsiders


def _kube_plan(rng: random.Random) -> KubePlan:
    size = rng.randint(5, 10) if rng.random() < 0.8 else rng.randint(11, 20)
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    leaver = status != Group.Status.FORMING and rng.random() < 0.1
    return KubePlan(size=size, status=status, leaver=leaver)


def plan_cluster(rng: random.Random, remaining: int) -> Cluster:
    """The next desa's KUBE and outsiders, never more families than `remaining`."""
    count = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
    cluster = Cluster([_kube_plan(rng) for _ in range(count)], outsiders=rng.randint(0, 2))
    while cluster.families > remaining and cluster.kube:
        cluster.kube.pop()
    if not cluster.kube and remaining >= 5:
        cluster.kube = [KubePlan(size=min(remaining, 10), status=Group.Status.ACTIVE, leaver=False)]
    cluster.outsiders = min(cluster.outsiders, remaining - cluster.families + cluster.outsiders)
    if not cluster.kube:
        cluster.outsiders = remaining
    return cluster
