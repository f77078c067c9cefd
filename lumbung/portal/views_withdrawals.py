"""Withdrawal requests: the member's screen (/m/<code>/tarik/) and the counter's list of what
members are waiting to collect (/k/<code>/penarikan-anggota/)."""

from __future__ import annotations

import contextlib
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.core.money import parse_rupiah
from lumbung.portal import withdrawals
from lumbung.portal.access import member_screen
from lumbung.portal.models import MemberSession, WithdrawalRequest
from lumbung.portal.ppob import voluntary_account
from lumbung.savings.services import savings_available
from lumbung.tenancy.access import CooperativeAccess
from lumbung.tenancy.models import CooperativeRole
from lumbung.web.screens import cooperative_screen, flash_error, render_screen


@never_cache
@member_screen
def member_withdrawals(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Ask for cash to collect at the counter; the requests and where they stand."""
    cooperative, member = session.cooperative, session.member
    error, form = None, request.POST
    if request.method == "POST":
        try:
            try:
                amount = parse_rupiah(form.get("amount", ""))
            except ValueError as exc:
                raise LumbungError("BAD_AMOUNT", value=form.get("amount", "")[:30]) from exc
            withdrawals.withdrawal_request(cooperative=cooperative, member=member,
                                           amount=amount,
                                           client_token=form.get("token", "")[:64]
                                           or uuid.uuid4().hex)
        except LumbungError as exc:
            error = exc
        else:
            return redirect("portal:withdrawals", code=cooperative.code)
    try:
        available: int | None = savings_available(voluntary_account(cooperative, member))
    except LumbungError:
        available = None
    return render(request, "portal/withdrawals.html", {
        "session": session, "cooperative": cooperative, "error": error, "form": form,
        "token": uuid.uuid4().hex, "available": available,
        "requests": withdrawals.member_withdrawals(cooperative_id=cooperative.pk,
                                                   member_id=member.pk),
        "today": cooperative.business_date, "valid_days": withdrawals.VALID_DAYS,
    }, status=400 if error else 200)


@require_POST
@member_screen
def member_withdrawal_cancel(request: HttpRequest, session: MemberSession, pk: int
                             ) -> HttpResponse:
    found = WithdrawalRequest.objects.filter(cooperative_id=session.cooperative_id,
                                             member_id=session.member_id, pk=pk).first()
    if found is None:
        raise Http404
    # Already taken by a teller: then nothing to do, the list shows where it stands.
    with contextlib.suppress(LumbungError):
        withdrawals.withdrawal_cancel(cooperative=session.cooperative, member=session.member,
                                      request=found)
    return redirect("portal:withdrawals", code=session.cooperative.code)


@cooperative_screen("member_withdrawals")
def counter_withdrawals(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """What members asked to collect in cash, oldest first, with a Pay button for tellers."""
    return render_screen(request, access, "portal/counter_withdrawals.html", {
        "requests": withdrawals.open_withdrawals(cooperative=access.cooperative),
        "may_pay": access.has_any(frozenset({CooperativeRole.TELLER})),
    })


@require_POST
@cooperative_screen(write=frozenset({CooperativeRole.TELLER}))
def counter_withdrawal_pay(request: HttpRequest, access: CooperativeAccess, pk: int
                           ) -> HttpResponse:
    found = WithdrawalRequest.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if found is None:
        raise Http404
    try:
        paid = withdrawals.withdrawal_pay(cooperative=access.cooperative, request=found,
                                          acting_user=request.user)
    except LumbungError as exc:
        flash_error(request, exc)
        return redirect("portal:counter_withdrawals", code=access.cooperative.code)
    if paid.status == WithdrawalRequest.Status.PAID:
        messages.success(request, _("%(ref)s dibayar: serahkan uangnya kepada %(name)s.")
                         % {"ref": paid.reference, "name": paid.member.name})
        return redirect("teller_receipt", code=access.cooperative.code,
                        pk=paid.counter_transaction_id)
    messages.info(request, _("%(ref)s di atas batas Anda: menunggu persetujuan manajer. Bayar "
                             "lagi setelah disetujui.") % {"ref": paid.reference})
    return redirect("portal:counter_withdrawals", code=access.cooperative.code)
