"""API v1: the teller's counter for a client at the till (amounts in sen).

A teller's client opens its drawer (`POST drawer-sessions`), finds it again
(`GET drawer-sessions/current`), takes deposits, pays withdrawals (202 while a manager's
approval is pending), admits a calon anggota, takes loan instalments, moves cash between drawer,
vault and bank, and closes the drawer against a count. Every counter POST takes an
`Idempotency-Key` header: a retry returns the first result (a close retried with the same count
returns the closed session). Each posted transaction carries its receipt: the public
verification URL its QR code holds and the A6/80 mm PDFs. Another cooperative's session,
account, member or loan is a 404; a role without counter work is a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Header, Router, Schema
from ninja.responses import Status

from lumbung.api.common import api_access, scoped_key
from lumbung.api.schemas import ErrorOut
from lumbung.core.errors import LumbungError
from lumbung.loans.models import Loan
from lumbung.members.models import Member
from lumbung.savings import selectors as savings_selectors
from lumbung.savings.access import COUNTER_ROLES
from lumbung.savings.models import SavingsAccount
from lumbung.teller import selectors
from lumbung.teller.calculations import short_hash
from lumbung.teller.models import CashDrawer, CounterTransaction, DrawerSession
from lumbung.teller.receipts import PAPER, receipt_for
from lumbung.teller.services import (
    counter_admit,
    counter_deposit,
    counter_loan_repay,
    counter_withdraw,
    drawer_free_cash,
    drawer_session_close,
    drawer_session_open,
    drawer_transfer,
)
from lumbung.tenancy.access import CooperativeAccess

router = Router(tags=["kasir"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
KEY = Header(None, alias="Idempotency-Key")


class DrawerOut(Schema):
    id: int
    name: str
    session_id: int | None
    teller: str | None
    cash: int


class ReceiptOut(Schema):
    title: str
    entry_number: int
    hash_prefix: str
    verify_url: str
    pdf: dict[str, str]
    amount_words: str
    balance_label: str
    balance_after: int | None


class TransactionOut(Schema):
    id: int
    kind: str
    amount: int
    status: str
    entry_number: int | None
    approval_id: int | None
    member_id: int | None
    account: str
    created_at: dt.datetime
    receipt: ReceiptOut | None = None


class SessionOut(Schema):
    id: int
    drawer_id: int
    drawer: str
    teller: str
    status: str
    business_date: dt.date
    float_amount: int
    cash: int | None
    free_cash: int | None
    expected_amount: int | None
    counted_amount: int | None
    difference: int | None


class SessionDetailOut(SessionOut):
    transactions: list[TransactionOut]


class OpenIn(Schema):
    drawer_id: int
    float_amount: int


class AccountMovementIn(Schema):
    account_number: str
    amount: int


class AdmissionIn(Schema):
    member_id: int


class LoanRepaymentIn(Schema):
    loan_id: int
    amount: int
    early_payoff: bool = False


class TransferIn(Schema):
    kind: Literal["vault_in", "vault_out", "bank_in", "bank_out"]
    amount: int


class CloseIn(Schema):
    count: dict[str, int]
    note: str = ""


def _status(record: CounterTransaction) -> str:
    if record.posted_entry is not None:
        return "posted"
    if record.approval is not None and record.approval.status == "pending":
        return "pending_approval"
    return record.approval.status if record.approval is not None else "unknown"


def _transaction_out(request: HttpRequest, record: CounterTransaction,
                     with_receipt: bool = False) -> dict[str, Any]:
    entry = record.posted_entry
    out: dict[str, Any] = {
        "id": record.pk, "kind": record.kind, "amount": record.amount, "status": _status(record),
        "entry_number": entry.number if entry else None, "approval_id": record.approval_id,
        "member_id": record.member_id, "account": record.account_label,
        "created_at": record.created_at, "receipt": None,
    }
    if with_receipt and entry is not None and record.member_id is not None:
        receipt = receipt_for(record, base_url=request.build_absolute_uri("/"),
                              language=getattr(request, "LANGUAGE_CODE", "id"))
        out["receipt"] = {
            "title": receipt.title, "entry_number": entry.number,
            "hash_prefix": short_hash(entry.hash), "verify_url": receipt.verify_url,
            "pdf": {paper: request.build_absolute_uri(reverse("teller_receipt_pdf", kwargs={
                "code": record.cooperative.code, "pk": record.pk, "paper": paper}))
                for paper in PAPER},
            "amount_words": receipt.amount_words, "balance_label": receipt.balance_label,
            "balance_after": receipt.balance_after,
        }
    return out


def _session_out(session: DrawerSession, detail: bool = False,
                 request: HttpRequest | None = None) -> dict[str, Any]:
    open_ = session.is_open
    out: dict[str, Any] = {
        "id": session.pk, "drawer_id": session.drawer_id, "drawer": session.drawer.name,
        "teller": session.teller.display_name(), "status": session.status,
        "business_date": session.business_date, "float_amount": session.float_amount,
        "cash": selectors.drawer_balance(drawer=session.drawer) if open_ else None,
        "free_cash": drawer_free_cash(session=session) if open_ else None,
        "expected_amount": session.expected_amount, "counted_amount": session.counted_amount,
        "difference": session.difference,
    }
    if detail and request is not None:
        out["transactions"] = [_transaction_out(request, t)
                               for t in selectors.session_transactions(session=session)]
    return out


def _counter(request: HttpRequest, code: str) -> CooperativeAccess:
    access = api_access(request, code)
    access.require(COUNTER_ROLES)
    return access


def _account(access: CooperativeAccess, number: str) -> SavingsAccount:
    account = savings_selectors.savings_account_by_number(cooperative=access.cooperative,
                                                          number=number)
    if account is None:
        raise Http404
    return account


def _session(access: CooperativeAccess, session_id: int) -> DrawerSession:
    return get_object_or_404(
        DrawerSession.objects.select_related("drawer", "teller", "cooperative"),
        cooperative=access.cooperative, pk=session_id)


def _posted(request: HttpRequest, record: CounterTransaction) -> Any:
    record = selectors.counter_transaction(cooperative=record.cooperative, pk=record.pk) or record
    code = 201 if record.posted_entry is not None else 202
    return Status(code, _transaction_out(request, record, with_receipt=True))


@router.get("/cooperatives/{code}/drawers", response=list[DrawerOut])
def drawer_list(request: HttpRequest, code: str) -> Any:
    """Laci kas koperasi: siapa yang sedang membukanya dan kas di dalamnya."""
    access = api_access(request, code, "teller_drawers")
    cooperative = access.cooperative
    drawers = list(selectors.drawers(cooperative=cooperative))
    busy = {s.drawer_id: s for s in DrawerSession.objects.filter(
        cooperative=cooperative, status=DrawerSession.Status.OPEN).select_related("teller")}
    cash = selectors.drawer_balances(cooperative=cooperative, drawer_ids=[d.pk for d in drawers])
    return [{"id": d.pk, "name": d.name, "session_id": busy[d.pk].pk if d.pk in busy else None,
             "teller": busy[d.pk].teller.display_name() if d.pk in busy else None,
             "cash": cash[d.pk]} for d in drawers]


@router.post("/cooperatives/{code}/drawer-sessions", response={201: SessionOut, **ERRORS})
def session_open(request: HttpRequest, code: str, payload: OpenIn,
                 idempotency_key: str | None = KEY) -> Any:
    """Buka laci dengan modal awal dari brankas. Diulang dengan Idempotency-Key: sesi yang sama
    (selama laci dan modalnya sama)."""
    access = _counter(request, code)
    drawer = get_object_or_404(CashDrawer, cooperative=access.cooperative, pk=payload.drawer_id,
                               active=True)
    own = selectors.open_session_for(cooperative=access.cooperative, teller=request.user)
    if (idempotency_key and own is not None and own.drawer_id == drawer.pk
            and own.float_amount == payload.float_amount):
        return Status(201, _session_out(own))
    session = drawer_session_open(cooperative=access.cooperative, drawer=drawer,
                                  float_amount=payload.float_amount, acting_user=request.user)
    session = _session(access, session.pk)
    return Status(201, _session_out(session))


@router.get("/cooperatives/{code}/drawer-sessions/current",
            response={200: SessionDetailOut, **ERRORS})
def session_current(request: HttpRequest, code: str) -> Any:
    """Sesi laci yang sedang dibuka oleh pengguna ini, dengan transaksinya."""
    access = _counter(request, code)
    session = selectors.open_session_for(cooperative=access.cooperative, teller=request.user)
    if session is None:
        raise LumbungError("TELLER_NO_OPEN_DRAWER")
    return _session_out(session, detail=True, request=request)


@router.get("/cooperatives/{code}/drawer-sessions/{session_id}",
            response={200: SessionDetailOut, **ERRORS})
def session_detail(request: HttpRequest, code: str, session_id: int) -> Any:
    access = api_access(request, code, "teller_session")
    return _session_out(_session(access, session_id), detail=True, request=request)


@router.post("/cooperatives/{code}/drawer-sessions/{session_id}/deposits",
             response={201: TransactionOut, **ERRORS})
def deposit(request: HttpRequest, code: str, session_id: int, payload: AccountMovementIn,
            idempotency_key: str | None = KEY) -> Any:
    """Setoran tunai ke rekening simpanan anggota, masuk ke laci ini."""
    access = _counter(request, code)
    session = _session(access, session_id)
    account = _account(access, payload.account_number)
    return _posted(request, counter_deposit(
        session=session, account=account, amount=payload.amount, acting_user=request.user,
        idempotency_key=scoped_key(request, idempotency_key)))


@router.post("/cooperatives/{code}/drawer-sessions/{session_id}/withdrawals",
             response={201: TransactionOut, 202: TransactionOut, **ERRORS})
def withdrawal(request: HttpRequest, code: str, session_id: int, payload: AccountMovementIn,
               idempotency_key: str | None = KEY) -> Any:
    """Penarikan tunai dari laci ini; di atas batas wewenang menunggu persetujuan (202), uang
    disisihkan di laci. Setelah disetujui, GET counter-transactions/{id} memberi buktinya."""
    access = _counter(request, code)
    session = _session(access, session_id)
    account = _account(access, payload.account_number)
    return _posted(request, counter_withdraw(
        session=session, account=account, amount=payload.amount, acting_user=request.user,
        idempotency_key=scoped_key(request, idempotency_key)))


@router.post("/cooperatives/{code}/drawer-sessions/{session_id}/admissions",
             response={201: TransactionOut, **ERRORS})
def admission(request: HttpRequest, code: str, session_id: int, payload: AdmissionIn,
              idempotency_key: str | None = KEY) -> Any:
    """Calon anggota membayar simpanan pokok (dan wajib pertama) tunai dan menjadi anggota."""
    access = _counter(request, code)
    session = _session(access, session_id)
    member = get_object_or_404(Member, cooperative=access.cooperative, pk=payload.member_id)
    return _posted(request, counter_admit(
        session=session, member=member, acting_user=request.user,
        idempotency_key=scoped_key(request, idempotency_key)))


@router.post("/cooperatives/{code}/drawer-sessions/{session_id}/loan-repayments",
             response={201: TransactionOut, **ERRORS})
def loan_repayment(request: HttpRequest, code: str, session_id: int, payload: LoanRepaymentIn,
                   idempotency_key: str | None = KEY) -> Any:
    """Angsuran pinjaman tunai ke laci ini (dialokasikan oleh layanan pinjaman)."""
    access = _counter(request, code)
    session = _session(access, session_id)
    loan = get_object_or_404(Loan, cooperative=access.cooperative, pk=payload.loan_id)
    return _posted(request, counter_loan_repay(
        session=session, loan=loan, amount=payload.amount, early_payoff=payload.early_payoff,
        acting_user=request.user, idempotency_key=scoped_key(request, idempotency_key)))


@router.post("/cooperatives/{code}/drawer-sessions/{session_id}/transfers",
             response={201: TransactionOut, **ERRORS})
def transfer(request: HttpRequest, code: str, session_id: int, payload: TransferIn,
             idempotency_key: str | None = KEY) -> Any:
    """Pindah kas: vault_in / vault_out (brankas), bank_in / bank_out (bank)."""
    access = _counter(request, code)
    session = _session(access, session_id)
    return _posted(request, drawer_transfer(
        session=session, kind=payload.kind, amount=payload.amount, acting_user=request.user,
        idempotency_key=scoped_key(request, idempotency_key)))


@router.post("/cooperatives/{code}/drawer-sessions/{session_id}/close",
             response={200: SessionOut, **ERRORS})
def session_close(request: HttpRequest, code: str, session_id: int, payload: CloseIn,
                  idempotency_key: str | None = KEY) -> Any:
    """Tutup laci dengan hitungan per pecahan (kunci seperti k100000, l500); selisih ke
    rekening sementara. Diulang dengan hitungan yang sama: sesi yang sudah ditutup."""
    access = _counter(request, code)
    session = _session(access, session_id)
    count = {key: pieces for key, pieces in payload.count.items() if pieces}
    if (idempotency_key and not session.is_open and session.teller_id == request.user.pk
            and session.count == count):
        return _session_out(session)
    closed = drawer_session_close(session=session, count=count, note=payload.note,
                                  acting_user=request.user)
    return _session_out(_session(access, closed.pk))


@router.get("/cooperatives/{code}/counter-transactions/{transaction_id}",
            response={200: TransactionOut, **ERRORS})
def transaction_detail(request: HttpRequest, code: str, transaction_id: int) -> Any:
    """Satu transaksi kasir dengan buktinya (setelah diposting)."""
    access = api_access(request, code, "teller_receipt")
    record = selectors.counter_transaction(cooperative=access.cooperative, pk=transaction_id)
    if record is None:
        raise Http404
    return _transaction_out(request, record, with_receipt=True)
