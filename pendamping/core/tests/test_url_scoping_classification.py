"""KUBE classification: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS).

The ranking page and GET /api/classification take no key: A2 (test_url_deny_default.py) crawls them with forged
filters. POST /api/classification/refresh takes no key either and is the admins' (classification.manage)."""

from pendamping.core.tests.test_url_scoping import ADMIN_MODELS, BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle
from pendamping.enterprise.models import GroupScore, Indicator, Level, Rubric
from pendamping.enterprise.services.classification import group_score_compute, regency_rank, rubric_ensure_default

__all__ = ["ADMIN_WRITES", "LISTS"]

KEYS.update({"/api/groups/{group_id}/score": {"group_id": "group"}})
BODIES.update({("POST", "/api/classification/refresh"): lambda b: {"regencies": [b.group.regency_id]}})
TRACKED.extend([GroupScore, Rubric, Level, Indicator])
ADMIN_MODELS.update({"enterprise/groupscore": "score"})

# For test_url_deny_default.py, which reads no module of the later apps yet (asked of the lead): A2's API list,
# counted by regency, and A4's write that is the admins' (classification.manage), whose control runs as admin.
LISTS = {"/api/classification": (GroupScore, "regency_id")}
ADMIN_WRITES = {("POST", "/api/classification/refresh")}


def add_rows(bundle: Bundle) -> None:
    """The bundle's active KUBE scored and ranked under the rubric in use (a score holds no free text: its
    indicator labels are the rubric's, its explanations numbers)."""
    rubric_ensure_default()
    score = group_score_compute(group=bundle.group)
    assert score is not None
    regency_rank(regency_code=bundle.group.regency_id)
    score.refresh_from_db()
    bundle.extra["score"] = score


BUNDLE_HOOKS.append(add_rows)
