"""Scores follow registry changes too: the registry cannot call the enterprise app, so it announces a changed KUBE
through core.changes and the enterprise app (subscribed in its AppConfig.ready) queues the rescore."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.enterprise.tests.test_classification_services import make_rubric, months_ago, scored
from pendamping.registry.models import BoardRole, Group
from pendamping.registry.services import group_set_status, membership_end
from pendamping.registry.tests.factories import kube_with_members

pytestmark = pytest.mark.django_db


def test_a_member_leaving_rescores_the_kube(admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    make_rubric([("member_participation", 1)])
    group = kube_with_members(6)
    MonthlyReportFactory(group=group, period=months_ago(1), members_active=5)
    scored(group, 0)
    member = group.memberships.filter(role=BoardRole.ANGGOTA).first()
    assert member is not None

    with django_capture_on_commit_callbacks(execute=True):
        membership_end(actor=admin, membership=member, left_on=dt.date(2025, 6, 1), reason="pindah")

    # member_participation: 5 active of the 5 members left (was 5 of 6) -> 100% -> full points -> 100.00
    assert GroupScore.objects.get(group=group).score == Decimal("100.00")


def test_a_kube_set_inactive_loses_its_score(admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    make_rubric([("board_complete", 1)])
    group = kube_with_members(5)
    scored(group, 50)

    with django_capture_on_commit_callbacks(execute=True):
        group_set_status(actor=admin, group=group, status=Group.Status.INACTIVE, on=dt.date(2025, 6, 1), reason="bubar")

    assert not GroupScore.objects.filter(group=group).exists()
