"""Staff sessions expire after a period without activity (LUMBUNG_STAFF_IDLE_SECONDS)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN_KEY = "lumbung_last_seen"
SAVE_EVERY_SECONDS = 60


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.LUMBUNG_STAFF_IDLE_SECONDS:
                logout(request)
            elif now - last_seen >= SAVE_EVERY_SECONDS or LAST_SEEN_KEY not in request.session:
                # Written at most once a minute, so a page view does not always save the session.
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
