"""Factories for the enterprise rows. Like the registry's, they write rows directly (no services, no audit)."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from pendamping.enterprise.models import IksEntry, MonthlyReport, PlanItem, Realisation, WelfareRecord
from pendamping.registry.tests.factories import FamilyFactory, GrantFactory, GroupFactory


def _fifth_of_next(period: dt.date) -> dt.date:
    return (period.replace(day=1) + dt.timedelta(days=35)).replace(day=5)


class MonthlyReportFactory(DjangoModelFactory[MonthlyReport]):
    """`MonthlyReportFactory(group=g, period=dt.date(2025, 3, 1))`; submitted on the 5th of the next month."""

    class Meta:
        model = MonthlyReport

    group = factory.SubFactory(GroupFactory)
    regency = factory.LazyAttribute(lambda o: o.group.regency)
    period = dt.date(2025, 1, 1)
    revenue = 5_000_000
    operating_costs = 3_000_000
    capital_assets = 20_000_000
    cash_savings = 1_000_000
    members_active = 6
    meetings_held = 2
    iks_collected = 100_000
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(dt.datetime.combine(_fifth_of_next(o.period), dt.time(9)))
    )


class PlanItemFactory(DjangoModelFactory[PlanItem]):
    class Meta:
        model = PlanItem

    grant = factory.SubFactory(GrantFactory)
    description = factory.Sequence(lambda n: f"Kambing bibit {n}")
    unit = "ekor"
    quantity = 4
    unit_price = 1_000_000


class RealisationFactory(DjangoModelFactory[Realisation]):
    class Meta:
        model = Realisation

    grant = factory.SubFactory(GrantFactory)
    spent_on = dt.date(2024, 4, 1)
    amount = 1_000_000
    description = "Pembelian bibit"
    receipt_ref = factory.Sequence(lambda n: f"NOTA-{n:04d}")


class IksEntryFactory(DjangoModelFactory[IksEntry]):
    class Meta:
        model = IksEntry

    group = factory.SubFactory(GroupFactory)
    kind = IksEntry.Kind.IN
    on = dt.date(2025, 1, 31)
    amount = 100_000


class WelfareRecordFactory(DjangoModelFactory[WelfareRecord]):
    class Meta:
        model = WelfareRecord

    family = factory.SubFactory(FamilyFactory)
    kind = WelfareRecord.Kind.JOINING
    recorded_on = dt.date(2024, 1, 15)
    monthly_income = 800_000
    welfare_decile = 2
