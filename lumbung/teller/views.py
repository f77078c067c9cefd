"""Teller screens (Kasir tab) and the public receipt verification page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lumbung.core.errors import LumbungError
from lumbung.teller.receipts import public_check
from lumbung.tenancy import throttle


@never_cache
def receipt_verify(request: HttpRequest, code: str, number: int, prefix: str) -> HttpResponse:
    """Public, no login: is the entry a receipt names in the cooperative's chain, unchanged?"""
    address = throttle.client_address(request)
    if throttle.rate_limited("verify", address, limit=settings.LUMBUNG_VERIFY_PER_MINUTE):
        return render(request, "teller/verify.html",
                      {"throttled": LumbungError("TELLER_VERIFY_THROTTLED")}, status=429)
    result = public_check(code, number, prefix)
    return render(request, "teller/verify.html", {"result": result},
                  status=404 if result is None else 200)
