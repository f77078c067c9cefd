"""API v1: portal."""

from ninja import Router

router = Router(tags=["portal"])
