"""Screens of the member's app (/m/<code>/...) and the counter's PIN screen (/k/<code>/...).

Thin: resolve the member's session (access.member_screen), call one service or selector,
render. A member only ever reaches their own lines: every read passes session.member_id.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from lumbung.core.documents import qr_svg
from lumbung.core.errors import LumbungError
from lumbung.core.money import parse_rupiah
from lumbung.members.models import Member
from lumbung.portal import feed, selectors
from lumbung.portal.access import (
    CHALLENGE_COOKIE,
    DEVICE_COOKIE,
    SESSION_COOKIE,
    cooperative_or_404,
    device_id,
    member_screen,
    new_device_id,
    set_cookie,
)
from lumbung.portal.billers import ppob_rules
from lumbung.portal.loan_requests import member_loans
from lumbung.portal.models import BillPayment, MemberCredential, MemberSession
from lumbung.portal.movements import member_transfer, transfer_preview, va_number
from lumbung.portal.ppob import bill_pay, bill_quote
from lumbung.portal.services import (
    LoginOutcome,
    login_challenge_answer,
    member_login,
    member_logout,
    member_pin_set,
    member_preferences_update,
)
from lumbung.teller.receipts import verification_path
from lumbung.tenancy import throttle
from lumbung.tenancy.access import CooperativeAccess
from lumbung.tenancy.models import CooperativeRole
from lumbung.web.screens import cooperative_screen, flash_error, render_screen

STATIC = Path(__file__).parent / "static" / "portal"
DEVICE_COOKIE_AGE = 365 * 24 * 60 * 60
# Roles at the counter who may set or reset a member's PIN.
PIN_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER})


def _base(code: str) -> str:
    return f"/m/{code}/"


def _logged_in(request: HttpRequest, code: str, outcome: LoginOutcome) -> HttpResponse:
    response = redirect("portal:home", code=code)
    set_cookie(response, SESSION_COOKIE, outcome.session_token, path=_base(code))
    response.delete_cookie(CHALLENGE_COOKIE, path=_base(code))
    return response


@sensitive_post_parameters("pin")
@never_cache
def login(request: HttpRequest, code: str) -> HttpResponse:
    """Member number or phone, and the 6-digit PIN."""
    cooperative = cooperative_or_404(code)
    device = device_id(request) or new_device_id()
    identifier, error, status = "", None, 200
    if request.method == "POST":
        identifier = request.POST.get("identifier", "").strip()[:40]
        try:
            outcome = member_login(
                cooperative=cooperative, identifier=identifier, pin=request.POST.get("pin", ""),
                device_id=device, user_agent=request.META.get("HTTP_USER_AGENT", ""),
                address=throttle.client_address(request))
        except LumbungError as exc:
            error, status = exc, 429 if exc.code == "PORTAL_LOGIN_THROTTLED" else 200
        else:
            response: HttpResponse
            if outcome.challenge_token:
                response = redirect("portal:code", code=code)
                set_cookie(response, CHALLENGE_COOKIE, outcome.challenge_token, path=_base(code))
            else:
                response = _logged_in(request, code, outcome)
            return response
    response = render(request, "portal/login.html", {
        "cooperative": cooperative, "identifier": identifier, "error": error}, status=status)
    set_cookie(response, DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE)
    return response


@sensitive_post_parameters("otp")
@never_cache
def one_time_code(request: HttpRequest, code: str) -> HttpResponse:
    """The code sent by SMS, when the member asked for one at every login."""
    cooperative = cooperative_or_404(code)
    error = None
    if request.method == "POST":
        try:
            outcome = login_challenge_answer(
                cooperative=cooperative, challenge_token=request.COOKIES.get(CHALLENGE_COOKIE, ""),
                code=request.POST.get("otp", ""), device_id=device_id(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""))
        except LumbungError as exc:
            error = exc
        else:
            return _logged_in(request, code, outcome)
    return render(request, "portal/code.html", {"cooperative": cooperative, "error": error})


@require_POST
@member_screen
def logout(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Log out on this device, or (`everywhere`) on every device of the member."""
    member_logout(session=session, everywhere=request.POST.get("everywhere") == "1")
    code = session.cooperative.code
    response = redirect("portal:login", code=code)
    response.delete_cookie(SESSION_COOKIE, path=_base(code))
    return response


@never_cache
@member_screen
def home(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Accounts with balances (loans with their next instalment), requests waiting for
    approval, the latest postings (live)."""
    ids = {"cooperative_id": session.cooperative_id, "member_id": session.member_id}
    recent = selectors.feed_items(**ids, before_id=2**62, limit=20)
    loans = {row.loan.subledger_ref: row for row in member_loans(
        cooperative=session.cooperative, member_id=session.member_id)}
    return render(request, "portal/home.html", {
        "session": session, "cooperative": session.cooperative, "member": session.member,
        "accounts": [(account, loans.get(account.ref))
                     for account in selectors.member_ledger_accounts(**ids)],
        "pending": selectors.pending_requests(**ids),
        "recent": recent, "last_id": max((item.line_id for item in recent), default=0),
        "virtual_account": va_number(session.cooperative, session.member),
    })


def _after_id(request: HttpRequest) -> int:
    raw = request.META.get("HTTP_LAST_EVENT_ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


@never_cache
@member_screen
def feed_json(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Catch-up: the postings after `after` (a line id), oldest first."""
    items = selectors.feed_items(cooperative_id=session.cooperative_id,
                                 member_id=session.member_id, after_id=_after_id(request))
    return JsonResponse({"items": [item.as_dict() for item in items]})


@member_screen
def feed_stream(request: HttpRequest, session: MemberSession) -> HttpResponseBase:
    """Server-sent events: every posting to the member's accounts after Last-Event-ID.

    The stream ends after LUMBUNG_FEED_STREAM_SECONDS; the browser reconnects by itself with
    Last-Event-ID, which also re-checks the session (so "log out everywhere" reaches it).
    """
    args = (session.cooperative_id, session.member_id, _after_id(request))
    if isinstance(request, ASGIRequest):
        # The stream reads on the feed's own threads; the request's connection would
        # otherwise stay open, unused, as long as the stream.
        connection.close()
        response = StreamingHttpResponse(feed.stream_async(*args),
                                         content_type="text/event-stream")
    else:
        response = StreamingHttpResponse(feed.stream_sync(*args),
                                         content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response


@never_cache
@member_screen
def receipt(request: HttpRequest, session: MemberSession, number: int) -> HttpResponse:
    """One transaction of the member, with the QR code of its public verification page."""
    entry = selectors.member_entry(cooperative_id=session.cooperative_id,
                                   member_id=session.member_id, number=number)
    if entry is None:
        raise Http404
    lines = [line for line in entry.lines.select_related("account")
             if line.member_id == session.member_id and line.subledger_ref]
    verify_url = request.build_absolute_uri(
        verification_path(session.cooperative.code, entry.number, entry.hash))
    return render(request, "portal/receipt.html", {
        "session": session, "cooperative": session.cooperative, "entry": entry,
        "lines": lines, "verify_url": verify_url, "qr": qr_svg(verify_url),
    })


@never_cache
@member_screen
def preferences(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """One-time code at login and notification channels; the in-app feed is always on."""
    credential = MemberCredential.objects.get(member_id=session.member_id)
    error, saved = None, False
    if request.method == "POST":
        channels = {c for c in ("sms", "whatsapp", "email") if request.POST.get(c)}
        try:
            credential = member_preferences_update(
                session=session, otp_enabled=bool(request.POST.get("otp")), channels=channels,
                email=request.POST.get("email", ""))
            saved = True
        except LumbungError as exc:
            error = exc
    return render(request, "portal/preferences.html", {
        "session": session, "cooperative": session.cooperative, "credential": credential,
        "error": error, "saved": saved})


def manifest(request: HttpRequest, code: str) -> HttpResponse:
    cooperative = cooperative_or_404(code)
    base = _base(code)
    return JsonResponse({
        "name": f"{cooperative.name} — Lumbung", "short_name": cooperative.name[:12],
        "start_url": base, "scope": base, "display": "standalone", "lang": "id",
        "background_color": "#ffffff", "theme_color": "#1f5f3f",
        "icons": [{"src": "/static/portal/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
    }, content_type="application/manifest+json")


def service_worker(request: HttpRequest, code: str) -> HttpResponse:
    cooperative_or_404(code)
    response = HttpResponse((STATIC / "sw.js").read_text(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# ---------------------------------------------------------------- at the counter


@cooperative_screen("member_pins", write=PIN_ROLES)
def pin_screen(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """Set or reset a member's app PIN (the member types it at the counter)."""
    cooperative = access.cooperative
    if request.method == "POST":
        number = request.POST.get("number", "").strip()
        member = (selectors.member_by_number(cooperative_id=cooperative.pk, number=int(number))
                  if number.isdigit() else None)
        try:
            if member is None:
                raise LumbungError("NOT_FOUND")
            if request.POST.get("pin") != request.POST.get("pin_again"):
                raise LumbungError("BAD_INPUT", detail=_("kedua PIN tidak sama"))
            member_pin_set(cooperative=cooperative, member=member,
                           pin=request.POST.get("pin", ""), acting_user=request.user)
        except LumbungError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("PIN aplikasi untuk %(name)s sudah diatur.")
                             % {"name": member.name})
            return redirect(reverse("portal:pins", args=[cooperative.code]))
    credentials = (MemberCredential.objects.filter(cooperative=cooperative)
                   .select_related("member").order_by("member__number")[:200])
    return render_screen(request, access, "portal/pins.html", {
        "credentials": credentials, "member_statuses": Member.Status})


# ---------------------------------------------------------------- bills, transfers


def _client_token() -> str:
    return uuid.uuid4().hex


def _amount(text: str) -> int:
    try:
        return parse_rupiah(text)
    except ValueError as exc:
        raise LumbungError("BAD_AMOUNT", value=text[:30]) from exc


@never_cache
@member_screen
def bill_new(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Choose what to pay and the customer number; the aggregator says what the bill is."""
    products = ppob_rules()["products"]
    error, form = None, request.POST
    if request.method == "POST":
        try:
            payment = bill_quote(
                cooperative=session.cooperative, member=session.member,
                product=form.get("product", ""), customer_no=form.get("customer_no", ""),
                amount=int(form.get("denomination") or 0),
                client_token=form.get("token", "")[:64] or _client_token())
        except (LumbungError, ValueError) as exc:
            error = exc if isinstance(exc, LumbungError) else LumbungError(
                "BAD_INPUT", detail=_("nominal"))
        else:
            return redirect("portal:bill", code=session.cooperative.code, pk=payment.pk)
    return render(request, "portal/bill_new.html", {
        "session": session, "cooperative": session.cooperative, "products": products,
        "error": error, "form": form, "token": _client_token()})


@never_cache
@member_screen
def bill_detail(request: HttpRequest, session: MemberSession, pk: int) -> HttpResponse:
    """Confirm and pay a quoted bill; afterwards its status, token and receipt."""
    payment = BillPayment.objects.filter(cooperative_id=session.cooperative_id,
                                         member_id=session.member_id, pk=pk).first()
    if payment is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            payment = bill_pay(cooperative=session.cooperative, member=session.member,
                               payment=payment)
        except LumbungError as exc:
            error = exc
    return render(request, "portal/bill.html", {
        "session": session, "cooperative": session.cooperative, "payment": payment,
        "product": ppob_rules()["products"].get(payment.product, {}), "error": error})


@never_cache
@member_screen
def transfer(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Transfer to another member: fill in, confirm (who receives it), done."""
    form, error, preview = request.POST, None, None
    if request.method == "POST":
        try:
            amount = _amount(form.get("amount", ""))
            if form.get("confirm") == "1":
                entry = member_transfer(
                    cooperative=session.cooperative, member=session.member,
                    recipient_number=form.get("recipient", ""), amount=amount,
                    client_token=form.get("token", "")[:40] or _client_token())
                return redirect("portal:receipt", code=session.cooperative.code,
                                number=entry.number)
            preview = transfer_preview(cooperative=session.cooperative, member=session.member,
                                       recipient_number=form.get("recipient", ""), amount=amount)
        except LumbungError as exc:
            error = exc
    return render(request, "portal/transfer.html", {
        "session": session, "cooperative": session.cooperative, "form": form, "error": error,
        "preview": preview, "token": form.get("token") or _client_token(),
        "limit": ppob_rules()["transfer_daily_limit"]})

