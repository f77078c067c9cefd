"""Teller screens (Kasir tab) and the public receipt verification page.

A teller works on one screen: today's drawer (open it, find a member by number or name,
deposit, withdraw, admit a calon anggota, move cash to or from the vault and the bank, print
receipts) and closes it with the cash count. The manager's view lists every drawer of the day
with its cash and any difference.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.loans.models import Loan
from lumbung.members.models import Member
from lumbung.savings import selectors as savings_selectors
from lumbung.savings.models import SavingsAccount
from lumbung.teller import selectors
from lumbung.teller.calculations import denomination_rules
from lumbung.teller.models import CashDrawer, CounterTransaction, DrawerSession
from lumbung.teller.receipts import PAPER, public_check, receipt_for, receipt_pdf
from lumbung.teller.services import (
    TRANSFERS,
    counter_admit,
    counter_deposit,
    counter_loan_repay,
    counter_withdraw,
    drawer_create,
    drawer_free_cash,
    drawer_session_close,
    drawer_session_open,
    drawer_transfer,
    parse_count,
)
from lumbung.tenancy import throttle
from lumbung.tenancy.access import CooperativeAccess
from lumbung.tenancy.models import CooperativeRole
from lumbung.web.forms import parse_amount
from lumbung.web.navigation import COUNTER_ROLES
from lumbung.web.screens import (
    PDF,
    cooperative_screen,
    file_response,
    flash_error,
    render_screen,
)

DRAWER_ADMIN_ROLES = frozenset({CooperativeRole.MANAGER})
SEARCH_LIMIT = 20


def _home(access: CooperativeAccess) -> HttpResponse:
    return redirect("teller_home", code=access.cooperative.code)


def _own_session(request: HttpRequest, access: CooperativeAccess) -> DrawerSession:
    session = selectors.open_session_for(cooperative=access.cooperative, teller=request.user)
    if session is None:
        raise LumbungError("TELLER_NO_OPEN_DRAWER")
    return session


def _search(access: CooperativeAccess, query: str) -> list[dict[str, Any]]:
    """Members matching the number or name, each with their open accounts and balances."""
    if not query.strip():
        return []
    members = list(savings_selectors.members_search(cooperative=access.cooperative,
                                                    query=query)[:SEARCH_LIMIT])
    accounts = savings_selectors.with_balances(list(
        SavingsAccount.objects.filter(cooperative=access.cooperative, member__in=members)
        .exclude(status=SavingsAccount.Status.CLOSED)
        .select_related("product", "product__ledger_account")
        .order_by("product__kind", "number")
    ))
    by_member: dict[int, list[Any]] = {}
    for account in accounts:
        by_member.setdefault(account.member_id, []).append(account)
    loans = selectors.member_loans(cooperative=access.cooperative,
                                   member_ids=[m.pk for m in members],
                                   day=access.cooperative.business_date)
    return [{"member": m, "accounts": by_member.get(m.pk, []), "loans": loans.get(m.pk, [])}
            for m in members]


@cooperative_screen(write=COUNTER_ROLES)
def teller_home(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    session = selectors.open_session_for(cooperative=cooperative, teller=request.user)
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {"session": session, "query": query, "token": uuid.uuid4().hex}
    if session is None:
        drawers = list(selectors.drawers(cooperative=cooperative))
        busy = {s.drawer_id: s for s in DrawerSession.objects.filter(
            cooperative=cooperative, status=DrawerSession.Status.OPEN).select_related("teller")}
        context.update(
            drawers=[(d, busy.get(d.pk)) for d in drawers],
            vault=selectors.account_balance(cooperative=cooperative, purpose="cash"),
        )
    else:
        context.update(
            drawer_cash=selectors.drawer_balance(drawer=session.drawer),
            free_cash=drawer_free_cash(session=session),
            transactions=selectors.session_transactions(session=session),
            results=_search(access, query),
            transfer_kinds=[(kind.value, kind.label) for kind in TRANSFERS],
            old_session=session.business_date != cooperative.business_date,
        )
    return render_screen(request, access, "teller/home.html", context)


def _counter_action(request: HttpRequest, access: CooperativeAccess,
                    action: Any) -> HttpResponse:
    """Run one counter write; on success go to its receipt (or back when it waits)."""
    try:
        record = action(_own_session(request, access))
    except LumbungError as error:
        flash_error(request, error)
        back = request.POST.get("q", "")
        response = _home(access)
        if back:
            response["Location"] += f"?q={back}"
        return response
    if record is None:
        return _home(access)
    if record.posted_entry is None:
        messages.info(request, _("Penarikan %(amount)s melebihi batas wewenang Anda dan menunggu "
                                 "persetujuan manajer; uang tetap disisihkan di laci.")
                      % {"amount": format_rupiah(record.amount)})
        return _home(access)
    messages.success(request, _("%(kind)s berhasil (jurnal #%(number)s).")
                     % {"kind": record.get_kind_display().capitalize(),
                        "number": record.posted_entry.number})
    if record.kind in {CounterTransaction.Kind.DEPOSIT, CounterTransaction.Kind.WITHDRAWAL,
                       CounterTransaction.Kind.ADMISSION, CounterTransaction.Kind.LOAN_REPAYMENT}:
        return redirect("teller_receipt", code=access.cooperative.code, pk=record.pk)
    return _home(access)


def _account(access: CooperativeAccess, request: HttpRequest) -> Any:
    try:
        pk = int(request.POST.get("account", ""))
    except ValueError:
        raise Http404 from None
    account = savings_selectors.savings_account(cooperative=access.cooperative, pk=pk)
    if account is None:
        raise Http404
    return account


def _key(request: HttpRequest, what: str) -> str | None:
    token = request.POST.get("token", "").strip()[:40]
    return f"teller:{what}:{request.user.pk}:{token}" if token else None


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def teller_open(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    drawer = CashDrawer.objects.filter(cooperative=access.cooperative,
                                       pk=request.POST.get("drawer") or 0, active=True).first()
    if drawer is None:
        raise Http404
    try:
        drawer_session_open(cooperative=access.cooperative, drawer=drawer,
                            float_amount=parse_amount(request.POST.get("float", "")),
                            acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Laci %(drawer)s dibuka.") % {"drawer": drawer.name})
    return _home(access)


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def teller_deposit(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    account = _account(access, request)
    return _counter_action(request, access, lambda session: counter_deposit(
        session=session, account=account, amount=parse_amount(request.POST.get("amount", "")),
        acting_user=request.user, idempotency_key=_key(request, "deposit")))


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def teller_withdraw(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    account = _account(access, request)
    return _counter_action(request, access, lambda session: counter_withdraw(
        session=session, account=account, amount=parse_amount(request.POST.get("amount", "")),
        acting_user=request.user, idempotency_key=_key(request, "withdraw")))


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def teller_admit(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    member = Member.objects.filter(cooperative=access.cooperative,
                                   pk=request.POST.get("member") or 0).first()
    if member is None:
        raise Http404
    return _counter_action(request, access, lambda session: counter_admit(
        session=session, member=member, acting_user=request.user,
        idempotency_key=_key(request, "admit")))


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def teller_loan_repay(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """A loan instalment in cash into the teller's drawer (the loans app allocates it)."""
    loan = Loan.objects.filter(cooperative=access.cooperative,
                               pk=request.POST.get("loan") or 0).first()
    if loan is None:
        raise Http404
    return _counter_action(request, access, lambda session: counter_loan_repay(
        session=session, loan=loan, amount=parse_amount(request.POST.get("amount", "")),
        early_payoff=request.POST.get("early_payoff") == "on", acting_user=request.user,
        idempotency_key=_key(request, "loan")))


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def teller_transfer(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    return _counter_action(request, access, lambda session: drawer_transfer(
        session=session, kind=request.POST.get("kind", ""),
        amount=parse_amount(request.POST.get("amount", "")), acting_user=request.user,
        idempotency_key=_key(request, "transfer")))


@cooperative_screen(write=COUNTER_ROLES)
def teller_close(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    session = selectors.open_session_for(cooperative=access.cooperative, teller=request.user)
    if session is None:
        return _home(access)
    rules = denomination_rules()
    typed = {d.key: request.POST.get(d.key, "") for d in rules.denominations}
    error = None
    if request.method == "POST":
        try:
            closed = drawer_session_close(session=session, count=parse_count(typed),
                                          note=request.POST.get("note", ""),
                                          acting_user=request.user)
        except LumbungError as exc:
            error = exc
        else:
            messages.success(request,
                             _("Laci %(drawer)s ditutup.") % {"drawer": session.drawer.name})
            return redirect("teller_session", code=access.cooperative.code, pk=closed.pk)
    rows = [(d, typed[d.key]) for d in rules.denominations]
    return render_screen(request, access, "teller/close.html", {
        "session": session, "rows": rows, "rules": rules, "error": error,
        "drawer_cash": selectors.drawer_balance(drawer=session.drawer),
    }, status=400 if error else 200)


@cooperative_screen("teller_session")
def teller_session(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    """One drawer session: its transactions and, once closed, the count and the difference."""
    session = DrawerSession.objects.filter(cooperative=access.cooperative, pk=pk).select_related(
        "drawer", "teller").first()
    if session is None:
        raise Http404
    values = {d.key: d for d in denomination_rules().denominations}
    count_rows = [(values[key], pieces, values[key].value * pieces)
                  for key, pieces in session.count.items() if key in values]
    return render_screen(request, access, "teller/session.html", {
        "session": session, "transactions": selectors.session_transactions(session=session),
        "count_rows": count_rows,
    })


@cooperative_screen("teller_drawers")
def teller_drawers(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """The manager's view: every drawer today, its cash now, differences flagged."""
    cooperative = access.cooperative
    sessions = selectors.sessions_on(cooperative=cooperative, date=cooperative.business_date)
    balances = selectors.drawer_balances(cooperative=cooperative,
                                         drawer_ids=[s.drawer_id for s in sessions])
    return render_screen(request, access, "teller/drawers.html", {
        "rows": [(s, balances[s.drawer_id] if s.is_open else None) for s in sessions],
        "drawers": list(selectors.drawers(cooperative=cooperative)),
        "vault": selectors.account_balance(cooperative=cooperative, purpose="cash"),
        "can_add": access.has_any(DRAWER_ADMIN_ROLES),
    })


@require_POST
@cooperative_screen(write=DRAWER_ADMIN_ROLES)
def teller_drawer_add(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    try:
        drawer = drawer_create(cooperative=access.cooperative, name=request.POST.get("name", ""),
                               acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Laci %(drawer)s ditambahkan.") % {"drawer": drawer.name})
    return redirect("teller_drawers", code=access.cooperative.code)


def _transaction_or_404(access: CooperativeAccess, pk: int) -> CounterTransaction:
    record = selectors.counter_transaction(cooperative=access.cooperative, pk=pk)
    if record is None or record.member_id is None:
        raise Http404
    return record


@cooperative_screen("teller_receipt")
def teller_receipt(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    record = _transaction_or_404(access, pk)
    try:
        receipt = receipt_for(record, base_url=request.build_absolute_uri("/"),
                              language=request.LANGUAGE_CODE)
    except LumbungError as error:
        flash_error(request, error)
        return _home(access)
    return render_screen(request, access, "teller/receipt.html",
                         {"receipt": receipt, "papers": PAPER, "qr": receipt.qr()})


@cooperative_screen("teller_receipt")
def teller_receipt_pdf(request: HttpRequest, access: CooperativeAccess, pk: int,
                       paper: str) -> HttpResponse:
    if paper not in PAPER:
        raise Http404
    record = _transaction_or_404(access, pk)
    try:
        receipt = receipt_for(record, base_url=request.build_absolute_uri("/"),
                              language=request.LANGUAGE_CODE)
    except LumbungError as error:
        flash_error(request, error)
        return _home(access)
    return file_response(receipt_pdf(receipt, paper), content_type=PDF, inline=True,
                         filename=f"bukti-{receipt.entry.number}-{paper}.pdf")


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
