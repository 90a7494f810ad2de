"""Factories for partners, agreements and activities (rows written directly, no services, no audit)."""

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.registry.tests.factories import region

SURABAYA, MALANG = "35.78", "35.07"


class PartnerFactory(DjangoModelFactory[Partner]):
    """A private partner of Kota Surabaya; `regency=None` makes it province-wide."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Mitra Usaha {n}")
    type = Partner.Type.PRIVATE
    regency = factory.LazyFunction(lambda: region(SURABAYA))


class AgreementFactory(DjangoModelFactory[Agreement]):
    """A marketing agreement running 2024-2027, in its partner's regency (Surabaya for a province-wide one).
    `AgreementFactory(groups=[g1, g2])` sets the KUBE covered."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    regency = factory.LazyAttribute(lambda o: o.partner.regency or region(SURABAYA))
    title = factory.Sequence(lambda n: f"Kerja sama pemasaran {n}")
    scope_marketing = True
    start_on = dt.date(2024, 1, 1)
    end_on = dt.date(2027, 12, 31)

    @factory.post_generation
    def groups(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set(extracted)


class ActivityFactory(DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    agreement = factory.SubFactory(AgreementFactory)
    on = dt.date(2024, 6, 1)
    description = factory.Sequence(lambda n: f"Pameran produk {n}")
    value = 0
