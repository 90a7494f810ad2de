"""API: reports."""

from ninja import Router

router = Router(tags=["enterprise"])
