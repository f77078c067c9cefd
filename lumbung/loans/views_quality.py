"""Screens for loan quality and problem loans: the collectibility policy, a loan's quality page
(class, provision, restructuring and write-off requests, sharia profit reports) and the
off-balance register of written-off loans with its recoveries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.core.money import parse_rupiah
from lumbung.ledger.models import ApprovalRequest
from lumbung.loans import workout
from lumbung.loans.models import Loan
from lumbung.loans.models_quality import (
    LoanQuality,
    LoanWriteOff,
    ProfitReport,
    ProfitSharingTerms,
)
from lumbung.loans.portfolio import policy_for, policy_save
from lumbung.loans.sharia import (
    PROFIT_SHARING_CONTRACTS,
    profit_report_record,
    profit_terms_set,
)
from lumbung.tenancy.access import BOOKKEEPING_ROLES, CooperativeAccess
from lumbung.tenancy.models import CooperativeRole
from lumbung.web.screens import cooperative_screen, flash_error, render_screen

POLICY_ROLES = frozenset({CooperativeRole.MANAGER})
# Restructuring and write-off requests: the people who follow up problem loans.
WORKOUT_ROLES = BOOKKEEPING_ROLES
# Recoveries are cash: the counter and the manager.
RECOVERY_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER})
PROFIT_REPORT_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER,
                                 CooperativeRole.ACCOUNTANT})
HUNDRED = Decimal(100)


def _loan_or_404(access: CooperativeAccess, pk: int) -> Loan:
    loan = Loan.objects.filter(cooperative=access.cooperative, pk=pk) \
        .select_related("member", "product").first()
    if loan is None:
        raise Http404
    return loan


def _percent(text: str | None, what: str) -> Decimal:
    """ "0,5" or "0.5" percent → Decimal fraction 0.005."""
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise LumbungError("BAD_INPUT", detail=_("%(what)s bukan angka persen")
                           % {"what": what}) from None
    if not value.is_finite():
        raise LumbungError("BAD_INPUT", detail=_("%(what)s bukan angka persen")
                           % {"what": what})
    return value / HUNDRED


def _amount(text: str | None, what: str) -> int:
    cleaned = (text or "").strip()
    negative = cleaned.startswith("-")
    try:
        sen = parse_rupiah(cleaned.removeprefix("-"))
    except ValueError:
        raise LumbungError("BAD_AMOUNT", value=text or what) from None
    return -sen if negative else sen


def _date(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise LumbungError("BAD_DATE", value=text or "") from None


# ---------------------------------------------------------------- policy


@cooperative_screen("loan_collectibility_policy")
def collectibility_policy(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    policy = policy_for(access.cooperative)
    return render_screen(request, access, "loans/quality/policy.html", {
        "policy": policy,
        "rows": [{"c": c, "percent": c.provision_rate * HUNDRED} for c in policy.classes],
        "may_edit": access.has_any(POLICY_ROLES),
    })


@require_POST
@cooperative_screen(write=POLICY_ROLES)
def collectibility_policy_save(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    data = policy_for(cooperative).as_data()
    try:
        for i, row in enumerate(data["classes"]):
            row["min_days"] = request.POST.get(f"min_days_{i}", "")
            row["provision_rate"] = str(_percent(request.POST.get(f"rate_{i}"),
                                                 _("tarif %(name)s") % {"name": row["name"]}))
        data["collateral_deductible"] = request.POST.get("collateral_deductible") == "on"
        data["version"] = f"koperasi-{cooperative.business_date.isoformat()}"
        data["source"] = _("Kebijakan koperasi sendiri (diubah di layar Lumbung)")
        policy_save(cooperative=cooperative, data=data, acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Kebijakan kolektibilitas disimpan; berlaku mulai proses "
                                    "malam berikutnya."))
    return redirect("loan_collectibility_policy", cooperative.code)


# ---------------------------------------------------------------- one loan


@cooperative_screen("loan_quality")
def loan_quality(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    policy = policy_for(access.cooperative)
    quality = LoanQuality.objects.filter(loan=loan).first()
    pending = list(ApprovalRequest.objects.filter(
        cooperative=access.cooperative, status=ApprovalRequest.Status.PENDING,
        kind__in=[workout.RESTRUCTURE_ACTION, workout.WRITE_OFF_ACTION], payload__loan_id=loan.pk,
    ))
    profit_sharing = loan.contract in PROFIT_SHARING_CONTRACTS
    return render_screen(request, access, "loans/quality/loan.html", {
        "loan": loan,
        "policy": policy,
        "quality": quality,
        "loan_class": policy.by_code(quality.loan_class) if quality and any(
            c.code == quality.loan_class for c in policy.classes) else None,
        "is_worst": bool(quality and quality.loan_class == policy.classes[-1].code),
        "worst_name": policy.classes[-1].name,
        "pending": pending,
        "restructures": list(loan.restructures.select_related("requested_by", "approved_by")),
        "write_off": LoanWriteOff.objects.filter(loan=loan).first(),
        "may_request": access.has_any(WORKOUT_ROLES) and loan.status == Loan.Status.ACTIVE,
        "profit_sharing": profit_sharing,
        "terms": ProfitSharingTerms.objects.filter(loan=loan).first() if profit_sharing else None,
        "reports": list(ProfitReport.objects.filter(loan=loan)) if profit_sharing else [],
        "may_report": access.has_any(PROFIT_REPORT_ROLES) and loan.status == Loan.Status.ACTIVE,
        "business_date": access.cooperative.business_date,
    })


def _back(loan: Loan) -> HttpResponse:
    return redirect("loan_quality", loan.cooperative.code, loan.pk)


@require_POST
@cooperative_screen(write=WORKOUT_ROLES)
def loan_restructure(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        term = request.POST.get("term_months", "")
        if not term.isdigit():
            raise LumbungError("BAD_INPUT", detail=_("jangka waktu harus bilangan bulat"))
        workout.loan_restructure_submit(
            cooperative=access.cooperative, loan=loan, term_months=int(term),
            annual_rate=_percent(request.POST.get("annual_rate"), _("bunga")) * HUNDRED,
            first_due_date=_date(request.POST.get("first_due_date")),
            reason=request.POST.get("reason", ""),
            waive_penalty=request.POST.get("waive_penalty") == "on", acting_user=request.user,
        )
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Restrukturisasi diajukan; menunggu persetujuan orang lain."))
    return _back(loan)


@require_POST
@cooperative_screen(write=WORKOUT_ROLES)
def loan_write_off(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        workout.loan_write_off_submit(cooperative=access.cooperative, loan=loan,
                                      reason=request.POST.get("reason", ""),
                                      acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Hapus buku diajukan; menunggu persetujuan orang lain."))
    return _back(loan)


@require_POST
@cooperative_screen(write=PROFIT_REPORT_ROLES)
def loan_profit_terms(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        capital = request.POST.get("member_capital", "").strip()
        profit_terms_set(cooperative=access.cooperative, loan=loan,
                         nisbah=_percent(request.POST.get("nisbah"), _("nisbah")),
                         member_capital=_amount(capital, _("modal")) if capital else 0,
                         acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Nisbah bagi hasil disimpan."))
    return _back(loan)


@require_POST
@cooperative_screen(write=PROFIT_REPORT_ROLES)
def loan_profit_report(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        revenue = request.POST.get("revenue", "").strip()
        profit_report_record(
            cooperative=access.cooperative, loan=loan,
            period_end=_date(request.POST.get("period_end")),
            revenue=_amount(revenue, _("pendapatan")) if revenue else 0,
            realised_profit=_amount(request.POST.get("realised_profit"), _("laba")),
            member_negligent=request.POST.get("member_negligent") == "on",
            acting_user=request.user,
        )
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Laporan bagi hasil dicatat."))
    return _back(loan)


# ---------------------------------------------------------------- off-balance register


@dataclass(frozen=True)
class WriteOffRow:
    w: LoanWriteOff
    recovered: int
    left: int


@cooperative_screen("loan_write_offs")
def write_offs(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    rows = []
    for write_off in (LoanWriteOff.objects.filter(cooperative=access.cooperative)
                      .select_related("loan", "loan__member")
                      .annotate(recovered_sum=Sum("recoveries__amount"))
                      .order_by("-date", "-id")):
        recovered = write_off.recovered_sum or 0
        rows.append(WriteOffRow(w=write_off, recovered=recovered,
                                left=write_off.claim - recovered))
    return render_screen(request, access, "loans/quality/write_offs.html", {
        "rows": rows,
        "totals": {
            "principal": sum(r.w.principal for r in rows),
            "claim": sum(r.w.claim for r in rows),
            "recovered": sum(r.recovered for r in rows),
            "left": sum(r.left for r in rows),
        },
        "may_recover": access.has_any(RECOVERY_ROLES),
        "token": uuid.uuid4().hex,
    })


@require_POST
@cooperative_screen(write=RECOVERY_ROLES)
def write_off_recovery(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    write_off = LoanWriteOff.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if write_off is None:
        raise Http404
    try:
        workout.loan_recovery_record(
            cooperative=access.cooperative, write_off=write_off,
            amount=_amount(request.POST.get("amount"), _("jumlah")),
            idempotency_key=(request.POST.get("token") or uuid.uuid4().hex)[:60],
            acting_user=request.user,
        )
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Pemulihan dicatat sebagai pendapatan."))
    return redirect("loan_write_offs", access.cooperative.code)
