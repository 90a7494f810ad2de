"""API: grant use."""

from ninja import Router

router = Router(tags=["enterprise"])
