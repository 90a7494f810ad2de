"""The enterprise API: monthly reports, grant use, the IKS ledger, welfare follow-up and classification."""

from ninja import Router

from pendamping.enterprise.api import classification, grant_use, ledger, reports

router = Router()
router.add_router("", reports.router)
router.add_router("", grant_use.router)
router.add_router("", ledger.router)
router.add_router("", classification.router)
