"""The registry's API router: families, KUBE groups with their members, grants with their tranches."""

from ninja import Router

from pendamping.registry.api import families, grants, groups

router = Router()
router.add_router("", families.router)
router.add_router("", groups.router)
router.add_router("", grants.router)
