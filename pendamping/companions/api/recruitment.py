"""API: recruitment (issue 5)."""

from ninja import Router

router = Router(tags=["companions"])
