"""The role × action matrix, in one place. Scope (which rows) is a separate question answered by each
model's `visible_to(user)`; this file answers what a role may *do* with rows it can see."""

from typing import Any

from pendamping.accounts.models import Role

A, O, C, E, AU = Role.ADMIN, Role.OFFICER, Role.COMPANION, Role.EVALUATOR, Role.AUDITOR

MATRIX: dict[str, frozenset[str]] = {
    "registry.view": frozenset({A, O, C, AU}),
    "family.change": frozenset({A, O}),
    "group.change": frozenset({A, O}),
    "membership.change": frozenset({A, O}),
    "grant.change": frozenset({A, O}),
    "companion.view": frozenset({A, O, AU}),
    "companion.change": frozenset({A, O}),
    "assignment.change": frozenset({A, O}),
    "nik.unmasked": frozenset({A, O}),
    "audit.view": frozenset({A, O, AU}),
    "users.manage": frozenset({A}),
}


def can(user: Any, action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    role = Role.ADMIN if user.is_superuser else user.role
    return role in MATRIX[action]
