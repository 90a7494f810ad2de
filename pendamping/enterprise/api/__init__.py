"""The enterprise API: monthly reports, grant use, the IKS ledger, welfare follow-up and classification, their
rows as flat lists, and the office's rubrics and settings."""

from ninja import Router

from pendamping.enterprise.api import classification, grant_use, ledger, lists, reports, rubrics

router = Router()
router.add_router("", reports.router)
router.add_router("", grant_use.router)
router.add_router("", ledger.router)
router.add_router("", classification.router)
router.add_router("", lists.router)
router.add_router("", rubrics.router)
