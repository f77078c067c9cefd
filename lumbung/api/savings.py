"""API v1: savings."""

from ninja import Router

router = Router(tags=["savings"])
