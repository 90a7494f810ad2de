"""The Ninja root: one API, a router per app, the same services as the pages.

Every endpoint needs a bearer token (`Authorization: Bearer pdp_…`, from POST /api/auth/token) or the
browser's session (with the CSRF token on writes), except the token endpoint itself. Errors always have
the shape {"error": {"code", "message", "fields"}}."""

from ninja import NinjaAPI

from pendamping.accounts.api import SessionAuth, TokenAuth
from pendamping.accounts.api import router as accounts_router
from pendamping.accounts.api_lists import router as accounts_lists_router
from pendamping.companions.api import router as companions_router
from pendamping.complaints.api import router as complaints_router
from pendamping.core.api_support import AnonThrottle, UserThrottle, install_error_handlers
from pendamping.dashboards.api import router as dashboards_router
from pendamping.enterprise.api import router as enterprise_router
from pendamping.evaluation.api import router as evaluation_router
from pendamping.exchange.api import router as exchange_router
from pendamping.partnerships.api import router as partnerships_router
from pendamping.partnerships.api_lists import router as partnerships_lists_router
from pendamping.regions.api import router as regions_router
from pendamping.registry.api import router as registry_router

api = NinjaAPI(
    title="Pendamping API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    # The token first: a client that sends one is judged by it alone, whatever cookies ride along.
    auth=[TokenAuth(), SessionAuth()],
    throttle=[AnonThrottle(), UserThrottle()],
)
install_error_handlers(api)

api.add_router("", accounts_router)
api.add_router("", registry_router)
api.add_router("", companions_router)
api.add_router("", evaluation_router)
api.add_router("", enterprise_router)
api.add_router("", partnerships_router)
api.add_router("", complaints_router)
api.add_router("", exchange_router)
api.add_router("", accounts_lists_router)
api.add_router("", partnerships_lists_router)
api.add_router("", regions_router)
api.add_router("", dashboards_router)
