"""A small province whose dashboard numbers are known by hand: Kota Surabaya (35.78) and Kabupaten Malang (35.07),
period 2026 Q3 (report month September 2026, due 10 October)."""

import datetime as dt

from django.utils import timezone

from pendamping.companions.models import Companion
from pendamping.companions.tests.appraisal_factories import final_appraisal, score
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.enterprise.models import GroupScore, IksEntry, WelfareRecord
from pendamping.enterprise.services.welfare_change import welfare_changes_rebuild
from pendamping.enterprise.tests.factories import (
    IksEntryFactory,
    MonthlyReportFactory,
    RealisationFactory,
    WelfareRecordFactory,
)
from pendamping.partnerships.tests.factories import AgreementFactory, PartnerFactory
from pendamping.registry.models import Grant, Group, Tranche
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    SURABAYA_VILLAGE,
    FamilyFactory,
    GrantFactory,
    GroupFactory,
    TrancheFactory,
    village,
)

PERIOD = "2026-Q3"
SEPTEMBER = dt.date(2026, 9, 1)
Q3 = dt.date(2026, 7, 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _groups() -> dict[str, Group]:
    sby, mlg = village(SURABAYA_VILLAGE), village(MALANG_VILLAGE)
    active = {"status": Group.Status.ACTIVE, "founded_on": dt.date(2025, 1, 1)}
    g = {name: GroupFactory(desa=sby, **active) for name in ("s1", "s2", "s3")}
    g |= {name: GroupFactory(desa=mlg, **active) for name in ("m1", "m2")}
    g["grad"] = GroupFactory(desa=sby, status=Group.Status.GRADUATED, status_changed_on=dt.date(2026, 8, 1))
    g["forming"] = GroupFactory(desa=sby, status=Group.Status.FORMING)
    return g


def _reports(g: dict[str, Group]) -> None:
    MonthlyReportFactory(group=g["s1"], period=SEPTEMBER, submitted_at=_at(dt.date(2026, 10, 2)))  # on time
    MonthlyReportFactory(group=g["s2"], period=SEPTEMBER, submitted_at=_at(dt.date(2026, 10, 25)))  # late
    MonthlyReportFactory(group=g["m1"], period=SEPTEMBER, submitted_at=_at(dt.date(2026, 10, 10)))  # on time
    # s3 and m2: missing


def _money(g: dict[str, Group]) -> None:
    grant = GrantFactory(group=g["s1"], amount=20_000_000, source=Grant.Source.APBD_PROV, year=2026)
    TrancheFactory(
        grant=grant,
        amount=10_000_000,
        disbursed_on=dt.date(2026, 8, 1),
        status=Tranche.Status.APPROVED,
        approved_at=_at(dt.date(2026, 8, 1)),
    )
    TrancheFactory(grant=grant, amount=10_000_000, disbursed_on=dt.date(2026, 9, 1))  # pending: not disbursed
    RealisationFactory(grant=grant, amount=4_000_000, spent_on=dt.date(2026, 8, 20))
    old = GrantFactory(group=g["m1"], amount=25_000_000, source=Grant.Source.APBN, year=2025)
    TrancheFactory(
        grant=old,
        amount=25_000_000,
        disbursed_on=dt.date(2025, 6, 1),
        status=Tranche.Status.APPROVED,
        approved_at=_at(dt.date(2026, 8, 1)),
    )
    RealisationFactory(grant=old, amount=25_000_000, spent_on=dt.date(2025, 9, 1))
    IksEntryFactory(group=g["s1"], kind=IksEntry.Kind.IN, on=dt.date(2026, 5, 31), amount=50_000)
    IksEntryFactory(group=g["s1"], kind=IksEntry.Kind.IN, on=dt.date(2026, 7, 31), amount=100_000)
    IksEntryFactory(group=g["s1"], kind=IksEntry.Kind.OUT, on=dt.date(2026, 8, 15), amount=30_000, purpose="sakit")
    IksEntryFactory(group=g["s1"], kind=IksEntry.Kind.IN, on=dt.date(2026, 10, 31), amount=999_000)  # after Q3


def _families() -> None:
    sby, mlg = village(SURABAYA_VILLAGE), village(MALANG_VILLAGE)
    up, down, once = FamilyFactory(desa=sby), FamilyFactory(desa=sby), FamilyFactory(desa=sby)
    FamilyFactory(desa=sby)
    FamilyFactory(desa=mlg)
    joining = {"kind": WelfareRecord.Kind.JOINING, "recorded_on": dt.date(2025, 2, 1), "welfare_decile": 3}
    for family in (up, down, once):
        WelfareRecordFactory(family=family, monthly_income=1_000_000, **joining)
    update = {"kind": WelfareRecord.Kind.UPDATE, "recorded_on": dt.date(2026, 2, 1)}
    WelfareRecordFactory(family=up, monthly_income=1_300_000, welfare_decile=4, **update)  # +30 %, decile +1
    WelfareRecordFactory(family=down, monthly_income=900_000, welfare_decile=3, **update)  # -10 %, decile 0
    welfare_changes_rebuild()


def _companions(g: dict[str, Group]) -> None:
    sby, mlg = village(SURABAYA_VILLAGE), village(MALANG_VILLAGE)
    a, b, c = (CompanionFactory(home_desa=sby) for _ in range(3))
    d = CompanionFactory(home_desa=mlg)
    CompanionFactory(home_desa=sby, status=Companion.Status.TRAINEE)
    final_appraisal(a, Q3, result="80", well=True)
    final_appraisal(b, Q3, result="50", well=False)
    final_appraisal(c, Q3, result="45", well=False)
    final_appraisal(d, Q3, result="90", well=True)
    final_appraisal(a, dt.date(2026, 4, 1), result="40", well=False)  # Q2: 0 of 1
    score(g["s1"], 3, "85.00")
    score(g["s2"], 1, "40.00")
    GroupScore.objects.filter(group=g["s1"]).update(outstanding=True)


def _partners(g: dict[str, Group]) -> None:
    AgreementFactory(partner=PartnerFactory(), groups=[g["s1"]])  # private, Surabaya, 2024-2027


def small_province() -> dict[str, Group]:
    g = _groups()
    _reports(g)
    _money(g)
    _families()
    _companions(g)
    _partners(g)
    return g
