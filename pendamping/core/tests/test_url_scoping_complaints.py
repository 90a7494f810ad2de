"""The complaints app: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS).

Each bundle carries one complaint about its KUBE, assigned to the bundle's officer, with the tag in its
description, its named subject and its complainant's name: a leak of the complaint or of its complainant's
identity to another regency shows as the tag."""

from pendamping.complaints.models import Complaint
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.core.tests.test_url_scoping import ADMIN_MODELS, BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle

__all__: list[str] = []

_COMPLAINT = {"pk": "complaint"}
_API = {"complaint_id": "complaint"}
KEYS.update(
    {
        **{f"complaints:{view}": _COMPLAINT for view in ("complaint_detail", "complaint_assign", "complaint_status")},
        **{f"/api/complaints/{{complaint_id}}{sub}": _API for sub in ("", "/assign", "/status")},
    }
)

BODIES.update(
    {
        ("POST", "/api/complaints"): lambda b: {
            "regency_code": b.group.regency_id,
            "subject": "group",
            "category": "funds",
            "description": "Dana kelompok tidak jelas penggunaannya.",
            "group_id": b.group.pk,
        },
        # The bundle's officer works in the complaint's regency: a valid assignee.
        ("POST", "/api/complaints/{complaint_id}/assign"): lambda b: {"officer_id": b.token.user_id},
        ("POST", "/api/complaints/{complaint_id}/status"): lambda b: {
            "status": "resolved",
            "resolution": "Sudah diklarifikasi dengan pengurus.",
            "version": b.complaint.version,
        },
    }
)

TRACKED.extend([Complaint])
ADMIN_MODELS.update({"complaints/complaint": "complaint"})


def add_rows(bundle: Bundle) -> None:
    """A complaint about the bundle's KUBE, assigned to its officer, naming the tag three times."""
    bundle.extra["complaint"] = ComplaintFactory(
        group=bundle.group,
        description=f"Pengaduan tentang {bundle.tag}: dana tidak dibagikan.",
        subject_text=f"Ketua {bundle.tag}",
        complainant_name=f"{bundle.tag} Pelapor",
        complainant_contact="0812-5555-0000",
        assigned_to=bundle.token.user,
    )


BUNDLE_HOOKS.append(add_rows)
