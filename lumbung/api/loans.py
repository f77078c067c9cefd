"""API v1: loans — schedule calculator, applications and approvals, disbursement, repayments.

Amounts are integer sen. Money-moving POSTs take an Idempotency-Key header (a retry returns the
first result). Another cooperative's loan is a 404; a role that may not do it is a 403.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Header, Router, Schema
from ninja.responses import Status

from lumbung.api.common import api_access, scoped_key
from lumbung.api.schemas import ErrorOut
from lumbung.core.errors import LumbungError
from lumbung.loans import calculations, selectors, services
from lumbung.loans.models import Loan, LoanApplication, LoanRepayment
from lumbung.loans.services import LOAN_APPROVER_ROLES, LOAN_OFFICE_ROLES
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount

router = Router(tags=["pinjaman"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class InstalmentOut(Schema):
    n: int
    due_date: dt.date
    principal: int
    interest: int
    total: int
    balance_after: int


class ScheduleOut(Schema):
    instalments: list[InstalmentOut]
    total_interest: int


class ApplicationIn(Schema):
    member_id: int
    product_code: str
    amount: int
    term_months: int
    purpose: str
    collateral: str = ""
    collateral_value: int = 0
    guarantor_name: str = ""
    guarantor_relation: str = ""
    character: str = ""
    capacity: str = ""
    capital: str = ""
    collateral_note: str = ""
    condition: str = ""
    related_party: bool = False


class ApplicationOut(Schema):
    id: int
    member_id: int
    product_code: str
    amount: int
    term_months: int
    purpose: str
    status: str
    approvals: int
    approvals_needed: int
    loan_id: int | None


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class LoanOut(Schema):
    id: int
    number: str
    member_id: int
    product_code: str
    contract: str
    status: str
    principal: int
    annual_rate: Decimal
    term_months: int
    disbursed_on: dt.date | None
    maturity_date: dt.date | None
    outstanding: int
    credit: int
    due_now: int
    payoff: int
    fees: int
    instalments: list[InstalmentOut]


class DisbursementIn(Schema):
    to: Literal["cash", "savings"] = "cash"
    savings_account_id: int | None = None
    autodebit_account_id: int | None = None


class RepaymentIn(Schema):
    amount: int
    savings_account_id: int | None = None
    early_payoff: bool = False


class RepaymentOut(Schema):
    id: int
    date: dt.date
    channel: str
    amount: int
    principal: int
    interest: int
    penalty: int
    credit: int
    entry_number: int | None
    loan_status: str


def _application_out(application: LoanApplication) -> dict[str, Any]:
    loan = Loan.objects.filter(application=application).values_list("pk", flat=True).first()
    return {
        "id": application.pk, "member_id": application.member_id,
        "product_code": application.product.code, "amount": application.amount,
        "term_months": application.term_months, "purpose": application.purpose,
        "status": application.status,
        "approvals": application.votes.filter(approve=True).count(),
        "approvals_needed": services.approvals_needed(application), "loan_id": loan,
    }


def _loan_out(loan: Loan) -> dict[str, Any]:
    outstanding, credit = selectors.loan_balance(loan)
    rows = services.loan_schedule_preview(loan)
    day = loan.cooperative.business_date
    return {
        "id": loan.pk, "number": loan.display_number, "member_id": loan.member_id,
        "product_code": loan.product.code, "contract": loan.contract, "status": loan.status,
        "principal": loan.principal, "annual_rate": loan.annual_rate,
        "term_months": loan.term_months, "disbursed_on": loan.disbursed_on,
        "maturity_date": loan.maturity_date, "outstanding": outstanding, "credit": credit,
        "due_now": selectors.amount_due(loan, day),
        "payoff": services.payoff_amount(loan) if loan.status == Loan.Status.ACTIVE else 0,
        "fees": loan.fees, "instalments": [row.as_dict() for row in rows],
    }


def _loan(request: HttpRequest, code: str, loan_id: int, screen: str = "") -> tuple[Any, Loan]:
    access = api_access(request, code, screen)
    loan = selectors.loan(cooperative=access.cooperative, pk=loan_id)
    if loan is None:
        raise Http404
    return access, loan


def _savings(loan: Loan, account_id: int | None) -> SavingsAccount | None:
    if account_id is None:
        return None
    account = SavingsAccount.objects.filter(cooperative_id=loan.cooperative_id,
                                            member_id=loan.member_id, pk=account_id).first()
    if account is None:
        raise Http404
    return account


@router.get("/loan-schedule", response={200: ScheduleOut, 422: ErrorOut})
def schedule(request: HttpRequest, principal: int, annual_rate: Decimal, months: int,
             method: Literal["flat", "declining", "annuity"], start: dt.date,
             grace_months: int = 0, rounding_unit: int = 100) -> Any:
    """Jadwal angsuran (simulasi): pokok dalam sen, bunga persen per tahun."""
    try:
        rows = calculations.schedule(principal=principal, annual_rate=annual_rate,
                                     months=months, method=method, start=start,
                                     grace_months=grace_months, rounding_unit=rounding_unit)
    except ValueError as exc:
        raise LumbungError("BAD_INPUT", detail=str(exc)) from exc
    return {"instalments": [row.as_dict() for row in rows],
            "total_interest": calculations.total_interest(rows)}


@router.get("/cooperatives/{code}/loan-applications", response=list[ApplicationOut])
def application_list(request: HttpRequest, code: str, status: str = "submitted") -> Any:
    """Pengajuan pinjaman (bawaan: yang menunggu persetujuan)."""
    access = api_access(request, code, "loan_applications")
    found = selectors.applications(cooperative=access.cooperative).filter(status=status)
    return [_application_out(application) for application in found[:200]]


@router.post("/cooperatives/{code}/loan-applications", response={201: ApplicationOut, **ERRORS})
def application_submit(request: HttpRequest, code: str, payload: ApplicationIn) -> Any:
    """Catat pengajuan pinjaman anggota (diperiksa terhadap produk dan BMPP)."""
    access = api_access(request, code)
    access.require(LOAN_OFFICE_ROLES)
    cooperative = access.cooperative
    member = Member.objects.filter(cooperative=cooperative, pk=payload.member_id).first()
    product = selectors.products(cooperative=cooperative).filter(
        code=payload.product_code).first()
    if member is None:
        raise Http404
    if product is None:
        raise LumbungError("LOAN_PRODUCT_INACTIVE", product=payload.product_code)
    data = payload.dict(exclude={"member_id", "product_code", "amount", "term_months",
                                 "purpose", "related_party"})
    application = services.loan_application_submit(
        cooperative=cooperative, member=member, product=product, amount=payload.amount,
        term_months=payload.term_months, purpose=payload.purpose,
        related_party=payload.related_party, acting_user=request.user, **data)
    return Status(201, _application_out(application))


@router.post("/cooperatives/{code}/loan-applications/{application_id}/decision",
             response={200: ApplicationOut, **ERRORS})
def application_decide(request: HttpRequest, code: str, application_id: int,
                       payload: DecisionIn) -> Any:
    """Setujui atau tolak pengajuan (dalam batas wewenang; pembuat tidak boleh menyetujui)."""
    access = api_access(request, code)
    access.require(LOAN_APPROVER_ROLES | LOAN_OFFICE_ROLES)
    application = LoanApplication.objects.filter(cooperative=access.cooperative,
                                                 pk=application_id).first()
    if application is None:
        raise Http404
    decided = services.loan_application_decide(application=application, approve=payload.approve,
                                               note=payload.note, acting_user=request.user)
    return _application_out(decided)


@router.get("/cooperatives/{code}/loans/{loan_id}", response=LoanOut)
def loan_detail(request: HttpRequest, code: str, loan_id: int) -> Any:
    """Kartu pinjaman: saldo dari buku besar, jadwal dan tagihan hari ini."""
    _access, loan = _loan(request, code, loan_id, "loan_detail")
    return _loan_out(loan)


@router.post("/cooperatives/{code}/loans/{loan_id}/disbursement", response={200: LoanOut,
                                                                           **ERRORS})
def disburse(request: HttpRequest, code: str, loan_id: int, payload: DisbursementIn,
             idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Cairkan pinjaman yang disetujui (tunai atau ke simpanan anggota), bersih dari biaya."""
    access, loan = _loan(request, code, loan_id)
    access.require(LOAN_OFFICE_ROLES)
    account = _savings(loan, payload.savings_account_id)
    if payload.to == "savings" and account is None:
        raise LumbungError("LOAN_SAVINGS_REQUIRED", what="pencairan")
    loan = services.loan_disburse(
        cooperative=access.cooperative, loan=loan, acting_user=request.user,
        savings_account=account if payload.to == "savings" else None,
        autodebit_account=_savings(loan, payload.autodebit_account_id) or account,
        idempotency_key=scoped_key(request, idempotency_key))
    return _loan_out(loan)


@router.post("/cooperatives/{code}/loans/{loan_id}/repayments",
             response={201: RepaymentOut, **ERRORS})
def repay(request: HttpRequest, code: str, loan_id: int, payload: RepaymentIn,
          idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Terima angsuran: tunai, atau potong simpanan (`savings_account_id`); pelunasan
    dipercepat dengan `early_payoff` (jumlah harus tepat `payoff`)."""
    access, loan = _loan(request, code, loan_id)
    access.require(LOAN_OFFICE_ROLES)
    account = _savings(loan, payload.savings_account_id)
    repayment = services.loan_repay(
        cooperative=access.cooperative, loan=loan, amount=payload.amount,
        channel=LoanRepayment.Channel.SAVINGS if account else LoanRepayment.Channel.COUNTER,
        savings_account=account, early_payoff=payload.early_payoff,
        idempotency_key=scoped_key(request, idempotency_key), acting_user=request.user)
    return Status(201, {
        "id": repayment.pk, "date": repayment.date, "channel": repayment.channel,
        "amount": repayment.amount, "principal": repayment.principal,
        "interest": repayment.interest, "penalty": repayment.penalty, "credit": repayment.credit,
        "entry_number": repayment.entry.number if repayment.entry else None,
        "loan_status": Loan.objects.values_list("status", flat=True).get(pk=loan.pk),
    })
