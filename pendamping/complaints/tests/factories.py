"""Factories for complaints (rows written directly, no services, no audit)."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from pendamping.complaints.models import Complaint
from pendamping.complaints.services import new_reference
from pendamping.registry.tests.factories import GroupFactory


class ComplaintFactory(DjangoModelFactory[Complaint]):
    """A new public complaint about a KUBE, with a named complainant, due in 14 days; the regency follows the
    KUBE. `ComplaintFactory(anonymous=True, complainant_name="", complainant_contact="")` for an anonymous one."""

    class Meta:
        model = Complaint

    reference = factory.LazyFunction(new_reference)
    group = factory.SubFactory(GroupFactory)
    regency = factory.LazyAttribute(lambda o: o.group.regency if o.group else None)
    subject = Complaint.Subject.GROUP
    category = Complaint.Category.FUNDS
    description = "Dana bantuan dipakai untuk keperluan pribadi ketua."
    channel = Complaint.Channel.PUBLIC
    anonymous = False
    complainant_name = "Siti Pelapor"
    complainant_contact = "0812-1111-2222"
    status = Complaint.Status.NEW
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
