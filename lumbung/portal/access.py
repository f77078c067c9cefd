"""Who is the member behind a request: the session cookie (screens) or a Bearer token (API),
always together with the device id the session was opened on."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from lumbung.portal.models import MemberSession
from lumbung.portal.services import member_session_resume
from lumbung.tenancy.models import Cooperative

DEVICE_COOKIE = "lumbung_perangkat"
SESSION_COOKIE = "lumbung_anggota"
CHALLENGE_COOKIE = "lumbung_tantangan"
DEVICE_HEADER = "HTTP_X_DEVICE_ID"


def cooperative_or_404(code: str) -> Cooperative:
    cooperative = Cooperative.objects.filter(code=code).first()
    if cooperative is None:
        raise Http404
    return cooperative


def device_id(request: HttpRequest) -> str:
    return (request.COOKIES.get(DEVICE_COOKIE) or request.META.get(DEVICE_HEADER, ""))[:100]


def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def session_for(request: HttpRequest, cooperative: Cooperative) -> MemberSession | None:
    token = request.COOKIES.get(SESSION_COOKIE, "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
    return member_session_resume(cooperative=cooperative, token=token,
                                 device_id=device_id(request))


def set_cookie(response: HttpResponse, name: str, value: str, *, path: str = "/",
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


MemberView = Callable[..., HttpResponseBase]


def member_screen(view: MemberView) -> Callable[..., HttpResponseBase]:
    """Resolve /m/<code>/ and the member's session; without one, go to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, **kwargs: Any) -> HttpResponseBase:
        cooperative = cooperative_or_404(code)
        session = session_for(request, cooperative)
        if session is None:
            return redirect("portal:login", code=code)
        request.member_session = session  # type: ignore[attr-defined]
        return view(request, session, **kwargs)

    return wrapper
