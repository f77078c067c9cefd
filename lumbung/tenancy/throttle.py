"""Login throttling: too many recent failures for a username or an address lock it for a while."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from lumbung.tenancy.models import LoginFailure


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the N-th address from the
    right of X-Forwarded-For (the left part is whatever the client chose to send)."""
    proxies = settings.LUMBUNG_TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LUMBUNG_LOGIN_WINDOW_SECONDS)


def login_locked(username: str, ip_address: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_user = recent.filter(username=username.lower()).count()
    by_address = recent.filter(ip_address=ip_address).count() if ip_address else 0
    # An address gets more tries than a username: an office shares one public address.
    limit = settings.LUMBUNG_LOGIN_MAX_FAILURES
    return by_user >= limit or by_address >= limit * 4


def login_failed(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower(), ip_address=ip_address)


def login_succeeded(username: str) -> None:
    LoginFailure.objects.filter(Q(username=username.lower()), at__gte=_window_start()).delete()


def lock_minutes() -> int:
    return settings.LUMBUNG_LOGIN_WINDOW_SECONDS // 60


def rate_limited(scope: str, address: str | None, *, limit: int, window_seconds: int = 60) -> bool:
    """Count one request of `address` for `scope` (a public page); True once it is over `limit`
    in the current window. Counts live in Django's cache (per process unless a shared cache is
    configured), enough to stop someone walking through numbers from one address."""
    from django.core.cache import cache

    window = int(timezone.now().timestamp()) // window_seconds
    key = f"throttle:{scope}:{address or '-'}:{window}"
    cache.add(key, 0, timeout=window_seconds * 2)
    try:
        hits = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, timeout=window_seconds * 2)
        hits = 1
    return hits > limit
