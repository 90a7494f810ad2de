"""The companion factories make valid companions and current assignments."""

import pytest

from pendamping.accounts.models import User
from pendamping.companions.models import Companion
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.nik import parse_nik
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db


def test_a_companion_has_a_valid_unique_nik_and_serves_the_regency_of_their_home_desa() -> None:
    a, b = CompanionFactory(female=True), CompanionFactory(home_desa=village(MALANG_VILLAGE))
    assert (a.sex, a.birth_date) == ("F", parse_nik(a.nik).birth_date)
    assert a.nik != b.nik and (a.regency_id, b.regency_id) == ("35.78", "35.07")


def test_a_companion_user_sees_the_kube_assigned_to_them(companion_user: User) -> None:
    assignment = AssignmentFactory(companion__user=companion_user)
    assert assignment.ended_on is None
    assert Companion.objects.visible_to(companion_user).get() == assignment.companion
    assert list(Group.objects.visible_to(companion_user)) == [assignment.group]
