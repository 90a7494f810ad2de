"""The IKS ledger and family welfare follow-up: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS)."""

import datetime as dt

from pendamping.core.tests.test_url_scoping import ADMIN_MODELS, BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle
from pendamping.enterprise.models import IksEntry, WelfareRecord
from pendamping.enterprise.tests.factories import IksEntryFactory, WelfareRecordFactory

__all__: list[str] = []

_GROUP = {"pk": "group"}
KEYS.update(
    {
        **{f"enterprise:{view}": _GROUP for view in ("iks_ledger", "iks_contribute", "iks_use")},
        "enterprise:iks_delete": {"pk": "iks_entry"},
        "enterprise:welfare_add": {"pk": "member_family"},
        "enterprise:welfare_delete": {"pk": "welfare_record"},
        "/api/groups/{group_id}/iks": {"group_id": "group"},
        "/api/iks/{entry_id}": {"entry_id": "iks_entry"},
        "/api/families/{family_id}/welfare": {"family_id": "member_family"},
        "/api/welfare/{record_id}": {"record_id": "welfare_record"},
    }
)
# A use smaller than the bundle's contribution, and a follow-up after the bundle's record at joining.
BODIES.update(
    {
        ("POST", "/api/groups/{group_id}/iks"): lambda b: {
            "kind": "out",
            "on": "2024-06-01",
            "amount": 50_000,
            "purpose": "Bantuan anggota sakit",
        },
        ("POST", "/api/families/{family_id}/welfare"): lambda b: {
            "recorded_on": "2024-06-01",
            "monthly_income": "1.500.000",
            "welfare_decile": 3,
        },
    }
)
if IksEntry not in TRACKED:  # the monthly reports' module writes IKS entries too
    TRACKED.append(IksEntry)
TRACKED.append(WelfareRecord)
ADMIN_MODELS.update({"enterprise/iksentry": "iks_entry", "enterprise/welfarerecord": "welfare_record"})


def add_rows(bundle: Bundle) -> None:
    """A direct IKS contribution of the bundle's KUBE and a member family's record at joining, their notes
    carrying bundle.tag."""
    bundle.extra["iks_entry"] = IksEntryFactory(
        group=bundle.group, on=dt.date(2024, 5, 1), amount=100_000, note=f"Iuran {bundle.tag}"
    )
    bundle.extra["member_family"] = bundle.membership.family
    bundle.extra["welfare_record"] = WelfareRecordFactory(
        family=bundle.membership.family,
        group=bundle.group,
        recorded_on=dt.date(2024, 1, 15),
        note=f"Awal {bundle.tag}",
    )


BUNDLE_HOOKS.append(add_rows)
