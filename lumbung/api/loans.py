"""API v1: loans — schedule calculator, products, applications and approvals, disbursement,
repayments, the portfolio, and problem loans (restructuring, write-off, recoveries).

Amounts are integer sen. Money-moving POSTs require an Idempotency-Key header (at most 64
characters; a retry with the same key returns the first result). Refusals are JSON
{"code", "message"}: another cooperative's data is a 404, a role that may not do it a 403, a
refused request a 422, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Sum
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema
from ninja.responses import Status

from lumbung.api.common import api_access, scoped_key
from lumbung.api.schemas import ErrorOut
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import ApprovalRequest
from lumbung.ledger.services import approval_decide
from lumbung.loans import calculations, selectors, services, workout
from lumbung.loans.models import Loan, LoanApplication, LoanProduct, LoanRepayment
from lumbung.loans.models_quality import LoanQuality, LoanWriteOff
from lumbung.loans.portfolio import policy_for
from lumbung.loans.services import LOAN_APPROVER_ROLES, LOAN_OFFICE_ROLES
from lumbung.loans.views_quality import RECOVERY_ROLES, WORKOUT_ROLES
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount
from lumbung.tenancy.access import APPROVER_ROLES

router = Router(tags=["pinjaman"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_KEY = 64
WORKOUT_KINDS = (workout.RESTRUCTURE_ACTION, workout.WRITE_OFF_ACTION)
# The header every money-moving POST requires.
IdempotencyKey = Header(..., alias="Idempotency-Key",
                        description="Kunci unik per transaksi (paling banyak 64 karakter); "
                                    "pengulangan dengan kunci yang sama mengembalikan hasil "
                                    "pertama.")


def _key(request: HttpRequest, key: str) -> str:
    """The caller's Idempotency-Key, scoped to them (BAD_INPUT when empty or too long)."""
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise LumbungError("BAD_INPUT", detail=f"Idempotency-Key (1-{MAX_KEY})")
    return scoped_key(request, key) or ""


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


class ProductOut(Schema):
    code: str
    name: str
    contract: str
    method: str
    annual_rate: Decimal
    min_amount: int
    max_amount: int
    min_term: int
    max_term: int
    grace_months: int
    provision_rate: Decimal
    admin_rate: Decimal
    admin_fee: int
    insurance_rate: Decimal
    penalty_rate: Decimal
    penalty_period: str
    penalty_cap_rate: Decimal | None
    allocation_order: list[str]
    rounding_unit: int
    early_payoff_rule: str
    committee_threshold: int
    active: bool


class LoanOut(Schema):
    id: int
    number: str
    member_id: int
    product_code: str
    contract: str
    status: str
    loan_class: str | None
    days_past_due: int
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
    autodebit_savings_id: int | None
    instalments: list[InstalmentOut]


class LoanSummaryOut(Schema):
    id: int
    number: str
    member_id: int
    member_name: str
    product_code: str
    status: str
    principal: int
    outstanding: int
    days_past_due: int
    loan_class: str | None


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


class StandingInstructionIn(Schema):
    """The member's savings account to debit every night; null stops the instruction."""

    savings_account_id: int | None


class RestructureIn(Schema):
    term_months: int
    annual_rate: Decimal
    first_due_date: dt.date
    reason: str
    waive_penalty: bool = True


class WriteOffIn(Schema):
    reason: str


class WorkoutOut(Schema):
    """A restructuring or write-off request: waits for a second person's decision."""

    id: int
    kind: str
    loan_id: int
    status: str
    amount: int
    description: str
    maker: str
    entry_number: int | None


class WorkoutDecisionIn(Schema):
    approve: bool
    reason: str = ""


class WriteOffOut(Schema):
    id: int
    loan_id: int
    loan_number: str
    date: dt.date
    reason: str
    principal: int
    claim: int
    recovered: int
    left: int
    entry_number: int


class RecoveryIn(Schema):
    amount: int


class RecoveryOut(Schema):
    id: int
    write_off_id: int
    date: dt.date
    amount: int
    entry_number: int | None
    left: int


class ClassOut(Schema):
    code: str
    name: str
    loans: int
    outstanding: int
    provision_rate: Decimal


class PortfolioOut(Schema):
    as_of: dt.date
    loans: int
    outstanding: int
    npl: int
    par30: int
    par60: int
    par90: int
    provision_required: int
    classes: list[ClassOut]
    policy_version: str
    policy_confirmed: bool


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


def _product_out(product: LoanProduct) -> dict[str, Any]:
    fields = ProductOut.model_fields.keys() - {"allocation_order"}
    return {**{field: getattr(product, field) for field in fields},
            "allocation_order": list(product.allocation)}


def _loan_out(loan: Loan) -> dict[str, Any]:
    outstanding, credit = selectors.loan_balance(loan)
    rows = services.loan_schedule_preview(loan)
    day = loan.cooperative.business_date
    oldest = selectors.oldest_unpaid_due(loan.cooperative, [loan.pk]).get(loan.pk)
    quality = LoanQuality.objects.filter(loan=loan).values_list("loan_class", flat=True).first()
    return {
        "id": loan.pk, "number": loan.display_number, "member_id": loan.member_id,
        "product_code": loan.product.code, "contract": loan.contract, "status": loan.status,
        "loan_class": quality, "days_past_due": calculations.days_past_due(oldest, day),
        "principal": loan.principal, "annual_rate": loan.annual_rate,
        "term_months": loan.term_months, "disbursed_on": loan.disbursed_on,
        "maturity_date": loan.maturity_date, "outstanding": outstanding, "credit": credit,
        "due_now": selectors.amount_due(loan, day),
        "payoff": services.payoff_amount(loan) if loan.status == Loan.Status.ACTIVE else 0,
        "fees": loan.fees, "autodebit_savings_id": loan.autodebit_savings_id,
        "instalments": [row.as_dict() for row in rows],
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
             idempotency_key: str = IdempotencyKey) -> Any:
    """Cairkan pinjaman yang disetujui (tunai atau ke simpanan anggota), bersih dari biaya."""
    access, loan = _loan(request, code, loan_id)
    access.require(LOAN_OFFICE_ROLES)
    key = _key(request, idempotency_key)
    account = _savings(loan, payload.savings_account_id)
    if payload.to == "savings" and account is None:
        raise LumbungError("LOAN_SAVINGS_REQUIRED", what=_("pencairan"))
    loan = services.loan_disburse(
        cooperative=access.cooperative, loan=loan, acting_user=request.user,
        savings_account=account if payload.to == "savings" else None,
        autodebit_account=_savings(loan, payload.autodebit_account_id) or account,
        idempotency_key=key)
    return _loan_out(loan)


@router.post("/cooperatives/{code}/loans/{loan_id}/repayments",
             response={201: RepaymentOut, **ERRORS})
def repay(request: HttpRequest, code: str, loan_id: int, payload: RepaymentIn,
          idempotency_key: str = IdempotencyKey) -> Any:
    """Terima angsuran: tunai, atau potong simpanan (`savings_account_id`); pelunasan
    dipercepat dengan `early_payoff` (jumlah harus tepat `payoff`). Kelebihan disimpan sebagai
    titipan (`credit`) untuk angsuran berikutnya."""
    access, loan = _loan(request, code, loan_id)
    access.require(LOAN_OFFICE_ROLES)
    key = _key(request, idempotency_key)
    account = _savings(loan, payload.savings_account_id)
    repayment = services.loan_repay(
        cooperative=access.cooperative, loan=loan, amount=payload.amount,
        channel=LoanRepayment.Channel.SAVINGS if account else LoanRepayment.Channel.COUNTER,
        savings_account=account, early_payoff=payload.early_payoff,
        idempotency_key=key, acting_user=request.user)
    return Status(201, {
        "id": repayment.pk, "date": repayment.date, "channel": repayment.channel,
        "amount": repayment.amount, "principal": repayment.principal,
        "interest": repayment.interest, "penalty": repayment.penalty, "credit": repayment.credit,
        "entry_number": repayment.entry.number if repayment.entry else None,
        "loan_status": Loan.objects.values_list("status", flat=True).get(pk=loan.pk),
    })


@router.post("/cooperatives/{code}/loans/{loan_id}/standing-instruction",
             response={200: LoanOut, **ERRORS})
def standing_instruction(request: HttpRequest, code: str, loan_id: int,
                         payload: StandingInstructionIn) -> Any:
    """Atur (atau hentikan, `null`) autodebet angsuran dari simpanan anggota setiap malam."""
    access, loan = _loan(request, code, loan_id)
    access.require(LOAN_OFFICE_ROLES)
    account = _savings(loan, payload.savings_account_id)
    loan = services.loan_standing_instruction_set(cooperative=access.cooperative, loan=loan,
                                                  savings_account=account,
                                                  acting_user=request.user)
    return _loan_out(loan)


# ---------------------------------------------------------------- products and portfolio


@router.get("/cooperatives/{code}/loan-products", response=list[ProductOut])
def product_list(request: HttpRequest, code: str, include_inactive: bool = False) -> Any:
    """Produk pinjaman koperasi dengan aturannya (diatur manajer di layar Produk)."""
    access = api_access(request, code, "loan_products")
    found = selectors.products(cooperative=access.cooperative, active_only=not include_inactive)
    return [_product_out(product) for product in found.order_by("code")]


@router.get("/cooperatives/{code}/loans", response=list[LoanSummaryOut])
def loan_list(request: HttpRequest, code: str, status: str = "active",
              min_days_past_due: int = 0, limit: int = 200, offset: int = 0) -> Any:
    """Daftar pinjaman (bawaan: yang berjalan), dengan sisa pokok, hari tunggak dan
    kolektibilitas; `min_days_past_due=1` memberi daftar tunggakan untuk penagih."""
    access = api_access(request, code, "loans")
    cooperative = access.cooperative
    found = selectors.loans(cooperative=cooperative).select_related("quality")
    if status != "all":
        found = found.filter(status=status)
    rows = list(found.order_by("number")[max(offset, 0):max(offset, 0) + min(max(limit, 1), 500)])
    balances = selectors.loan_balances(cooperative=cooperative,
                                       loans=[x for x in rows if x.status == Loan.Status.ACTIVE])
    oldest = selectors.oldest_unpaid_due(cooperative, [x.pk for x in rows])
    day = cooperative.business_date
    result = []
    for x in rows:
        days = calculations.days_past_due(oldest.get(x.pk), day)
        if days < min_days_past_due:
            continue
        quality = getattr(x, "quality", None)
        result.append({
            "id": x.pk, "number": x.display_number, "member_id": x.member_id,
            "member_name": x.member.name, "product_code": x.product.code, "status": x.status,
            "principal": x.principal, "outstanding": balances.get(x.pk, (0, 0))[0],
            "days_past_due": days, "loan_class": quality.loan_class if quality else None,
        })
    return result


@router.get("/cooperatives/{code}/loan-portfolio", response=PortfolioOut)
def portfolio(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """Portofolio: sisa pokok, kolektibilitas, NPL, PAR 30/60/90 dan CKPN/PPAP yang dibutuhkan
    (angka penilaian malam hari)."""
    access = api_access(request, code, "loan_portfolio")
    cooperative = access.cooperative
    figures = selectors.portfolio_quality(cooperative=cooperative,
                                          as_of=as_of or cooperative.business_date)
    policy = policy_for(cooperative)
    details = figures["class_details"]
    return {
        **{key: figures[key] for key in ("as_of", "loans", "outstanding", "npl", "par30",
                                         "par60", "par90", "provision_required",
                                         "policy_version")},
        "classes": [{"code": c.code, "name": c.name,
                     "loans": details.get(c.code, {}).get("loans", 0),
                     "outstanding": details.get(c.code, {}).get("outstanding", 0),
                     "provision_rate": c.provision_rate} for c in policy.classes],
        "policy_confirmed": policy.confirmed,
    }


# ---------------------------------------------------------------- problem loans


def _workout_out(approval: ApprovalRequest) -> dict[str, Any]:
    return {
        "id": approval.pk, "kind": approval.kind, "loan_id": approval.payload["loan_id"],
        "status": approval.status, "amount": approval.amount,
        "description": approval.description, "maker": approval.maker.username,
        "entry_number": approval.entry.number if approval.entry else None,
    }


@router.post("/cooperatives/{code}/loans/{loan_id}/restructure",
             response={202: WorkoutOut, **ERRORS})
def restructure(request: HttpRequest, code: str, loan_id: int, payload: RestructureIn,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Ajukan restrukturisasi (jadwal baru atas sisa pokok); orang lain yang memutuskan di
    `/loan-workouts/{id}/decision`. Murabahah: margin baru harus 0."""
    access, loan = _loan(request, code, loan_id)
    access.require(WORKOUT_ROLES)
    key = _key(request, idempotency_key) if idempotency_key is not None else None
    approval = workout.loan_restructure_submit(
        cooperative=access.cooperative, loan=loan, term_months=payload.term_months,
        annual_rate=payload.annual_rate, first_due_date=payload.first_due_date,
        reason=payload.reason, waive_penalty=payload.waive_penalty, idempotency_key=key,
        acting_user=request.user)
    return Status(202, _workout_out(approval))


@router.post("/cooperatives/{code}/loans/{loan_id}/write-off",
             response={202: WorkoutOut, **ERRORS})
def write_off(request: HttpRequest, code: str, loan_id: int, payload: WriteOffIn) -> Any:
    """Ajukan hapus buku pinjaman macet; orang lain yang memutuskan. Pengulangan mengembalikan
    pengajuan yang sama."""
    access, loan = _loan(request, code, loan_id)
    access.require(WORKOUT_ROLES)
    approval = workout.loan_write_off_submit(cooperative=access.cooperative, loan=loan,
                                             reason=payload.reason, acting_user=request.user)
    return Status(202, _workout_out(approval))


@router.get("/cooperatives/{code}/loan-workouts", response=list[WorkoutOut])
def workout_list(request: HttpRequest, code: str, status: str = "pending") -> Any:
    """Pengajuan restrukturisasi dan hapus buku (bawaan: yang menunggu keputusan)."""
    access = api_access(request, code, "loan_workouts")
    found = (ApprovalRequest.objects.filter(cooperative=access.cooperative,
                                            kind__in=WORKOUT_KINDS)
             .select_related("maker", "entry").order_by("-id"))
    if status != "all":
        found = found.filter(status=status)
    return [_workout_out(approval) for approval in found[:200]]


@router.post("/cooperatives/{code}/loan-workouts/{request_id}/decision",
             response={200: WorkoutOut, **ERRORS})
def workout_decide(request: HttpRequest, code: str, request_id: int,
                   payload: WorkoutDecisionIn) -> Any:
    """Setujui (dan laksanakan) atau tolak restrukturisasi / hapus buku. Pembuat pengajuan tidak
    boleh menyetujuinya; batas wewenang `loans.restructure` / `loans.write_off` berlaku."""
    access = api_access(request, code)
    access.require(APPROVER_ROLES)
    approval = ApprovalRequest.objects.filter(cooperative=access.cooperative, pk=request_id,
                                              kind__in=WORKOUT_KINDS).first()
    if approval is None:
        raise Http404
    decided = approval_decide(request=approval, approve=payload.approve,
                              reason=payload.reason[:300], acting_user=request.user)
    return _workout_out(ApprovalRequest.objects.select_related("maker", "entry")
                        .get(pk=decided.pk))


def _write_off_out(write_off: LoanWriteOff, recovered: int) -> dict[str, Any]:
    return {
        "id": write_off.pk, "loan_id": write_off.loan_id,
        "loan_number": write_off.loan.display_number, "date": write_off.date,
        "reason": write_off.reason, "principal": write_off.principal, "claim": write_off.claim,
        "recovered": recovered, "left": write_off.claim - recovered,
        "entry_number": write_off.entry.number,
    }


@router.get("/cooperatives/{code}/write-offs", response=list[WriteOffOut])
def write_off_list(request: HttpRequest, code: str) -> Any:
    """Daftar pinjaman hapus buku (rekening administratif) dengan pemulihannya."""
    access = api_access(request, code, "loan_write_offs")
    found = (LoanWriteOff.objects.filter(cooperative=access.cooperative)
             .select_related("loan", "entry").annotate(recovered_sum=Sum("recoveries__amount"))
             .order_by("-date", "-id"))
    return [_write_off_out(w, w.recovered_sum or 0) for w in found[:500]]


@router.post("/cooperatives/{code}/write-offs/{write_off_id}/recoveries",
             response={201: RecoveryOut, **ERRORS})
def recovery(request: HttpRequest, code: str, write_off_id: int, payload: RecoveryIn,
             idempotency_key: str = IdempotencyKey) -> Any:
    """Terima pembayaran atas pinjaman yang sudah dihapusbukukan (tunai, menjadi pendapatan)."""
    access = api_access(request, code)
    access.require(RECOVERY_ROLES)
    found = LoanWriteOff.objects.filter(cooperative=access.cooperative, pk=write_off_id).first()
    if found is None:
        raise Http404
    key = _key(request, idempotency_key)
    recorded = workout.loan_recovery_record(
        cooperative=access.cooperative, write_off=found, amount=payload.amount,
        idempotency_key=key, acting_user=request.user)
    left = found.claim - workout.write_off_recovered(found)
    return Status(201, {"id": recorded.pk, "write_off_id": found.pk, "date": recorded.date,
                        "amount": recorded.amount,
                        "entry_number": recorded.entry.number if recorded.entry else None,
                        "left": left})
