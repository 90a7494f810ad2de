"""Scores follow the data: a write that changes what a KUBE's score is computed from asks for a rescore."""

from django.db import transaction


def rescore_later(*, group_id: int) -> None:
    """After the surrounding transaction commits, recompute this KUBE's score and its regency's ranking (as a
    background task). Filled in by the classification part; until then a no-op."""
    transaction.on_commit(lambda: None)
