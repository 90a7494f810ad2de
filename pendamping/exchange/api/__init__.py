"""The exchange app's API: imports (and the routers of exports, offline forms and duplicates as they land)."""

from ninja import Router

from pendamping.exchange.api import imports

router = Router()
router.add_router("", imports.router)
