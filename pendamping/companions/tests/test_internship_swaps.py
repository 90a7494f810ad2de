"""Swapping and moving trainees between the hosts of a draft round: scores recomputed, capacities kept, even
when two admins move trainees into the last free slot at the same moment."""

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from pendamping.accounts.models import User
from pendamping.companions.models import Host, InternshipRound, Placement
from pendamping.companions.services.internship import (
    placement_move,
    placement_swap,
    round_add_hosts,
    round_add_trainees,
)
from pendamping.companions.tests.test_internship_services import (
    draft_round,
    outstanding_kube,
    proposed_round,
    refusal,
    trainee,
)
from pendamping.registry.models import Group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


# --- swaps and moves ------------------------------------------------------------------------------------------


@pytest.fixture
def proposed(admin: User) -> InternshipRound:
    return proposed_round(admin)


def _at(rnd: InternshipRound) -> dict[str, str | None]:
    return dict(rnd.placements.values_list("companion__name", "host__group__name"))


def test_swapping_exchanges_hosts_and_rescores_both(admin: User, proposed: InternshipRound) -> None:
    ani, budi = (proposed.placements.get(companion__name=n) for n in ("Ani", "Budi"))
    placement_swap(actor=admin, a=ani, b=budi)
    assert _at(proposed) == {"Ani": "KUBE B", "Budi": "KUBE A"}
    ani.refresh_from_db()
    assert ani.score == Decimal("46.00") and ani.reasons[0]["code"] == "same_regency"  # 30 + 0 + 16


def test_a_swap_at_the_same_host_or_across_rounds_is_refused(admin: User, proposed: InternshipRound) -> None:
    ani = proposed.placements.get(companion__name="Ani")
    assert "two different" in refusal(lambda: placement_swap(actor=admin, a=ani, b=ani), "with_id")
    round_add_hosts(actor=admin, round=proposed, groups=[Group.objects.get(name="KUBE A")], capacity=2)
    budi = proposed.placements.get(companion__name="Budi")
    placement_move(actor=admin, placement=budi, host=Host.objects.get(round=proposed, group__name="KUBE A"))
    assert "same host" in refusal(lambda: placement_swap(actor=admin, a=ani, b=budi), "with_id")
    other = draft_round(admin)
    round_add_trainees(actor=admin, round=other, companions=[trainee("Citra")])
    assert "same round" in refusal(lambda: placement_swap(actor=admin, a=ani, b=other.placements.get()), "with_id")


def test_moving_respects_the_host_capacity(admin: User, proposed: InternshipRound) -> None:
    ani = proposed.placements.get(companion__name="Ani")
    full = Host.objects.get(round=proposed, group__name="KUBE B")
    assert refusal(lambda: placement_move(actor=admin, placement=ani, host=full), "host") == (
        "KUBE B has no free slot (capacity 1)."
    )
    placement_move(actor=admin, placement=ani, host=Host.objects.get(round=proposed, group__name="KUBE C"))
    assert _at(proposed) == {"Ani": "KUBE C", "Budi": "KUBE B"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_into_the_last_free_slot_at_the_same_moment_exactly_one_succeeds(admin: User) -> None:
    rnd = draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE A"), outstanding_kube("KUBE B")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Baru")])  # one free slot
    target = Host.objects.get(round=rnd, group__name="KUBE Baru")
    start, done, refused = threading.Barrier(2), [], []

    def move(placement: Placement) -> None:
        try:
            start.wait(timeout=10)
            done.append(placement_move(actor=admin, placement=placement, host=target))
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(p,)) for p in rnd.placements.all()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert (len(done), refused) == (1, ["KUBE Baru has no free slot (capacity 1)."])
    assert target.placements.count() == 1
