"""API v1: loans."""

from ninja import Router

router = Router(tags=["loans"])
