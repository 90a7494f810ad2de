"""The deterministic demo data set: families, KUBE, grants, companions, and one login per role.

`demo_seed` writes straight to the tables in large batches (bypassing the services, for speed) but only
rows the services would accept: valid NIKs prefixed by the family's kecamatan, members from the KUBE's
desa, one current KUBE per family, 5-20 members and exactly one ketua, sekretaris and bendahara per KUBE,
grants paid in tranches that never exceed them, caseloads within the limit."""

from pendamping.registry.demo.seed import REFERENCE_DATE, SeedResult, demo_seed, family_count
from pendamping.registry.demo.users import DEMO_USERS, Login, demo_users_ensure

__all__ = [
    "DEMO_USERS",
    "REFERENCE_DATE",
    "Login",
    "SeedResult",
    "demo_seed",
    "demo_users_ensure",
    "family_count",
]
