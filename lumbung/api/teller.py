"""API v1: teller."""

from ninja import Router

router = Router(tags=["teller"])
