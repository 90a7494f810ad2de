"""The Ninja root: one API, a router per app, the same services as the pages."""

from ninja import NinjaAPI

api = NinjaAPI(title="Pendamping API", version="1", urls_namespace="api")
