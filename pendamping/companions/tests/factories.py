"""Factories for companions and their assignments to KUBE (rows written directly, no services)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from pendamping.companions.models import Assignment, Companion
from pendamping.core.nik import parse_nik
from pendamping.registry.tests.factories import GroupFactory, regency_of, sequence_nik, village


class CompanionFactory(DjangoModelFactory[Companion]):
    """`CompanionFactory(user=companion_user)` links the companion's login. The regency of service follows the
    home desa unless given."""

    class Meta:
        model = Companion

    class Params:
        female = False
        born = None

    home_desa = factory.LazyFunction(village)
    regency = factory.LazyAttribute(lambda o: regency_of(o.home_desa))
    nik = factory.LazyAttributeSequence(lambda o, n: sequence_nik(o.home_desa, n, female=o.female, born=o.born))
    name = factory.Faker("name", locale="id_ID")
    sex = factory.LazyAttribute(lambda o: parse_nik(o.nik).sex)
    birth_date = factory.LazyAttribute(lambda o: parse_nik(o.nik).birth_date)
    education = Companion.Education.S1
    phone = factory.Sequence(lambda n: f"0812{n % 10**8:08d}")
    status = Companion.Status.ACTIVE
    caseload_limit = 10
    user = None


class AssignmentFactory(DjangoModelFactory[Assignment]):
    """A current assignment (no end date). The companion defaults to one serving the group's regency."""

    class Meta:
        model = Assignment

    group = factory.SubFactory(GroupFactory)
    companion = factory.SubFactory(CompanionFactory, home_desa=factory.SelfAttribute("..group.desa"))
    started_on = dt.date(2023, 3, 1)
