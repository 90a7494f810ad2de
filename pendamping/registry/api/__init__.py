"""The registry's API router: families, KUBE groups with their members, grants with their tranches, and the
flat lists of memberships, tranches and schemes."""

from ninja import Router

from pendamping.registry.api import families, grants, groups, memberships, schemes, tranches

router = Router()
router.add_router("", families.router)
router.add_router("", groups.router)
router.add_router("", grants.router)
router.add_router("", memberships.router)
router.add_router("", tranches.router)
router.add_router("", schemes.router)
