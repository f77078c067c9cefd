"""API v1: members and their savings (amounts in sen; NIK and phone masked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Header, Router, Schema
from ninja.responses import Status

from lumbung.api.common import api_access, scoped_key
from lumbung.api.schemas import ErrorOut
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.members.calculations import mask_nik, mask_phone
from lumbung.members.models import Member
from lumbung.members.services import member_register
from lumbung.savings import selectors
from lumbung.savings.access import COUNTER_ROLES
from lumbung.savings.models import SavingsAccount, SavingsProduct
from lumbung.savings.services import (
    counterpart_by_purpose,
    savings_account_open,
    savings_deposit,
    savings_withdraw,
)
from lumbung.tenancy.access import CooperativeAccess

router = Router(tags=["anggota dan simpanan"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MemberIn(Schema):
    nik: str
    name: str
    birth_date: dt.date
    gender: str
    street_address: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    city: str = ""
    phone: str = ""
    occupation: str = ""
    heir_name: str = ""
    heir_relation: str = ""


class MemberOut(Schema):
    id: int
    number: int | None
    status: str
    name: str
    nik_masked: str
    phone_masked: str
    gender: str
    kelurahan: str
    kecamatan: str
    registered_on: dt.date
    joined_on: dt.date | None
    exited_on: dt.date | None
    nik_warnings: list[str]
    # Whether a KTP photo is kept (the photo itself is only shown on the member's page).
    has_ktp_photo: bool


class AccountOut(Schema):
    number: str
    member_id: int
    member_name: str
    product: str
    kind: str
    status: str
    opened_on: dt.date
    closed_on: dt.date | None
    maturity_date: dt.date | None
    balance: int


class MemberDetailOut(MemberOut):
    accounts: list[AccountOut]


class AccountIn(Schema):
    member_id: int
    product: str
    term_months: int | None = None
    rollover: bool = False


class MovementIn(Schema):
    amount: int
    description: str = ""


class StatementRowOut(Schema):
    date: dt.date
    entry_number: int
    description: str
    memo: str
    debit: int
    credit: int
    balance: int


class StatementOut(Schema):
    account: str
    date_from: dt.date
    date_to: dt.date
    opening: int
    closing: int
    rows: list[StatementRowOut]


class MovementOut(Schema):
    status: str
    entry_number: int | None = None
    approval_id: int | None = None
    balance: int


def _member_out(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk, "number": member.number, "status": member.status, "name": member.name,
        "nik_masked": mask_nik(member.nik), "phone_masked": mask_phone(member.phone),
        "gender": member.gender, "kelurahan": member.kelurahan, "kecamatan": member.kecamatan,
        "registered_on": member.registered_on, "joined_on": member.joined_on,
        "exited_on": member.exited_on, "nik_warnings": list(member.nik_warnings),
        "has_ktp_photo": bool(member.ktp_photo),
    }


def _account_out(account: SavingsAccount, balance: int) -> dict[str, Any]:
    return {
        "number": account.number, "member_id": account.member_id,
        "member_name": account.member.name, "product": account.product.code,
        "kind": account.product.kind, "status": account.status, "opened_on": account.opened_on,
        "closed_on": account.closed_on, "maturity_date": account.maturity_date,
        "balance": balance,
    }


def _member(access: CooperativeAccess, member_id: int) -> Member:
    member = Member.objects.filter(cooperative=access.cooperative, pk=member_id).first()
    if member is None:
        raise Http404
    return member


def _account(access: CooperativeAccess, number: str) -> SavingsAccount:
    account = selectors.savings_account_by_number(cooperative=access.cooperative, number=number)
    if account is None:
        raise Http404
    return account


@router.get("/cooperatives/{code}/members", response=list[MemberOut])
def member_list(request: HttpRequest, code: str, q: str = "", offset: int = 0,
                limit: int = 50) -> Any:
    """Anggota dan calon anggota; `q` mencari nama, nomor anggota atau NIK lengkap."""
    access = api_access(request, code, "members")
    members = selectors.members_search(cooperative=access.cooperative, query=q)
    offset = max(offset, 0)
    return [_member_out(m) for m in members[offset:offset + max(1, min(limit, 200))]]


@router.post("/cooperatives/{code}/members", response={201: MemberOut, **WRITE_ERRORS})
def member_create(request: HttpRequest, code: str, payload: MemberIn) -> Any:
    """Daftarkan calon anggota dari KTP (NIK diperiksa strukturnya)."""
    access = api_access(request, code)
    access.require(COUNTER_ROLES)
    member = member_register(cooperative=access.cooperative, acting_user=request.user,
                             **payload.dict())
    return Status(201, _member_out(member))


@router.get("/cooperatives/{code}/members/{member_id}", response=MemberDetailOut)
def member_detail(request: HttpRequest, code: str, member_id: int) -> Any:
    access = api_access(request, code, "member")
    member = _member(access, member_id)
    accounts = selectors.member_accounts(cooperative=access.cooperative, member=member)
    for account in accounts:
        account.member = member
    return {**_member_out(member),
            "accounts": [_account_out(a, a.balance) for a in accounts]}  # type: ignore[attr-defined]


@router.post("/cooperatives/{code}/savings-accounts", response={201: AccountOut, **WRITE_ERRORS})
def account_open(request: HttpRequest, code: str, payload: AccountIn) -> Any:
    """Buka rekening simpanan untuk anggota (calon anggota hanya simpanan pokok)."""
    access = api_access(request, code)
    access.require(COUNTER_ROLES)
    member = _member(access, payload.member_id)
    product = SavingsProduct.objects.filter(cooperative=access.cooperative,
                                            code=payload.product).first()
    if product is None:
        raise LumbungError("BAD_INPUT", detail=f"produk {payload.product} tidak ada")
    account = savings_account_open(
        cooperative=access.cooperative, member=member, product=product,
        term_months=payload.term_months, rollover=payload.rollover, acting_user=request.user)
    return Status(201, _account_out(account, 0))


@router.get("/cooperatives/{code}/savings-accounts/{number}", response=AccountOut)
def account_detail(request: HttpRequest, code: str, number: str) -> Any:
    access = api_access(request, code, "savings_account")
    account = _account(access, number)
    return _account_out(account, selectors.account_balance(account))


@router.get("/cooperatives/{code}/savings-accounts/{number}/transactions",
            response=StatementOut)
def account_transactions(request: HttpRequest, code: str, number: str,
                         date_from: dt.date | None = None, date_to: dt.date | None = None
                         ) -> Any:
    """Mutasi rekening dengan saldo berjalan (bawaan: awal bulan sampai tanggal usaha)."""
    access = api_access(request, code, "savings_statement")
    account = _account(access, number)
    date_to = date_to or access.cooperative.business_date
    statement = selectors.account_statement(
        account=account, date_from=date_from or date_to.replace(day=1), date_to=date_to)
    return {"account": account.number, "date_from": statement.date_from,
            "date_to": statement.date_to, "opening": statement.opening,
            "closing": statement.closing, "rows": statement.rows}


def _movement(request: HttpRequest, code: str, number: str, payload: MovementIn,
              key: str | None, deposit: bool) -> Any:
    access = api_access(request, code)
    access.require(COUNTER_ROLES)
    account = _account(access, number)
    move = savings_deposit if deposit else savings_withdraw
    result = move(
        cooperative=access.cooperative, account=account, amount=payload.amount,
        counterpart=counterpart_by_purpose(access.cooperative, "cash"),
        description=payload.description, acting_user=request.user,
        idempotency_key=scoped_key(request, key),
    )
    balance = selectors.account_balance(account)
    if isinstance(result, ApprovalRequest):
        return Status(202, {"status": "pending_approval", "approval_id": result.pk,
                            "balance": balance})
    assert isinstance(result, JournalEntry)
    return Status(201, {"status": "posted", "entry_number": result.number, "balance": balance})


@router.post("/cooperatives/{code}/savings-accounts/{number}/deposits",
             response={201: MovementOut, **WRITE_ERRORS})
def deposit(request: HttpRequest, code: str, number: str, payload: MovementIn,
            idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Setoran tunai (lawan: kas). Dengan Idempotency-Key, pengulangan mengembalikan setoran
    pertama."""
    return _movement(request, code, number, payload, idempotency_key, deposit=True)


@router.post("/cooperatives/{code}/savings-accounts/{number}/withdrawals",
             response={201: MovementOut, 202: MovementOut, **WRITE_ERRORS})
def withdrawal(request: HttpRequest, code: str, number: str, payload: MovementIn,
               idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Penarikan tunai; di atas batas wewenang menjadi permintaan persetujuan (202)."""
    return _movement(request, code, number, payload, idempotency_key, deposit=False)
