"""The exchange app's API: imports (and the routers of exports, offline forms and duplicates as they land)."""

from ninja import Router

from pendamping.exchange.api import duplicates, exports, imports, xlsform

router = Router()
router.add_router("", imports.router)
router.add_router("", xlsform.router)
router.add_router("", exports.router)
router.add_router("", duplicates.router)
