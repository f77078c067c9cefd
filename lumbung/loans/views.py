"""Screens of the Pinjaman tab: loans list, application, approval queue, loan card (schedule,
history, disbursement, repayment, contract), portfolio, overdue list; the public simulation.

Thin: parse what was typed, fetch through the cooperative's access, call one service, render.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lumbung.core.documents import pdf_from_template, qr_svg
from lumbung.core.errors import LumbungError
from lumbung.core.money import amount_in_words
from lumbung.loans import calculations, selectors, services
from lumbung.loans.models import SHARIA_CONTRACTS, Loan, LoanApplication, LoanRepayment
from lumbung.loans.portfolio import policy_for
from lumbung.loans.services import LOAN_APPROVER_ROLES, LOAN_OFFICE_ROLES
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount
from lumbung.tenancy.access import CooperativeAccess
from lumbung.web.forms import parse_amount, parse_date
from lumbung.web.screens import PDF, cooperative_screen, file_response, flash_error, render_screen

FIVE_C = ("character", "capacity", "capital", "collateral_note", "condition")
MAX_SIMULATION_MONTHS = 360


def _loan_or_404(access: CooperativeAccess, pk: int) -> Loan:
    loan = selectors.loan(cooperative=access.cooperative, pk=pk)
    if loan is None:
        raise Http404
    return loan


# What each contract's return is called (a sharia contract's is never interest).
RETURN_WORDS = {"conventional": gettext_lazy("bunga"), "murabahah": gettext_lazy("margin"),
                "mudharabah": gettext_lazy("bagi hasil"), "musyarakah": gettext_lazy("bagi hasil"),
                "ijarah": gettext_lazy("ujrah")}


def allocation_words(loan: Loan) -> str:
    """The loan's payment allocation order in words, e.g. "denda, bunga, lalu pokok"."""
    words = {"penalty": _("denda"), "principal": _("pokok"),
             "interest": RETURN_WORDS.get(loan.contract, gettext_lazy("margin / bagi hasil / "
                                                                      "ujrah"))}
    parts = [str(words.get(part, part)) for part in loan.allocation]
    return _("%(first)s, lalu %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _int(text: str | None, what: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError as exc:
        raise LumbungError("BAD_INPUT", detail=what) from exc


# ---------------------------------------------------------------- list and portfolio


@cooperative_screen("loans")
def loan_list(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """Running and approved loans with outstanding, days past due and class."""
    cooperative = access.cooperative
    status = request.GET.get("status", "open")
    found = selectors.loans(cooperative=cooperative).select_related("quality")
    if status in Loan.Status.values:
        found = found.filter(status=status)
    elif status == "open":
        found = found.filter(status__in=selectors.OPEN_STATUSES)
    rows = list(found.order_by("-number")[:500])
    balances = selectors.loan_balances(cooperative=cooperative,
                                       loans=[x for x in rows if x.status == "active"])
    oldest = selectors.oldest_unpaid_due(cooperative, [x.pk for x in rows])
    policy = policy_for(cooperative)
    names = {c.code: c.name for c in policy.classes}
    return render_screen(request, access, "loans/loan_list.html", {
        "rows": [{
            "loan": x,
            "outstanding": balances.get(x.pk, (0, 0))[0],
            "days": calculations.days_past_due(oldest.get(x.pk), cooperative.business_date),
            "class_name": names.get(getattr(getattr(x, "quality", None), "loan_class", ""), ""),
        } for x in rows],
        "status": status,
        "statuses": Loan.Status.choices,
        "pending": LoanApplication.objects.filter(
            cooperative=cooperative, status=LoanApplication.Status.SUBMITTED).count(),
        "can_apply": access.has_any(LOAN_OFFICE_ROLES),
    })


@cooperative_screen("loan_portfolio")
def portfolio(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """Outstanding, arrears by collectibility class, PAR 30/60/90 (the nightly figures)."""
    cooperative = access.cooperative
    figures = selectors.portfolio_quality(cooperative=cooperative,
                                          as_of=cooperative.business_date)
    policy = policy_for(cooperative)
    outstanding = figures["outstanding"]

    def share(amount: int) -> Decimal:
        return (Decimal(amount) * 100 / outstanding).quantize(Decimal("0.01")) if outstanding \
            else Decimal(0)

    classes = [{"name": c.name, "code": c.code, "rate": c.provision_rate * 100,
                "loans": figures["class_details"].get(c.code, {}).get("loans", 0),
                "outstanding": figures["by_class"].get(c.code, 0),
                "share": share(figures["by_class"].get(c.code, 0))} for c in policy.classes]
    pars = [(days, figures[f"par{days}"], share(figures[f"par{days}"])) for days in (30, 60, 90)]
    return render_screen(request, access, "loans/portfolio.html", {
        "figures": figures, "classes": classes, "pars": pars, "policy": policy,
        "npl_share": share(figures["npl"]),
    })


@cooperative_screen("loan_overdue")
def overdue(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """Loans with an instalment past due, oldest first: who to visit, what they owe."""
    cooperative = access.cooperative
    rows = [row for row in selectors.portfolio_rows(cooperative=cooperative,
                                                    day=cooperative.business_date)
            if row.days_past_due > 0]
    rows.sort(key=lambda row: -row.days_past_due)
    return render_screen(request, access, "loans/overdue.html", {
        "rows": rows, "total": sum(row.arrears for row in rows),
    })


# ---------------------------------------------------------------- application and approval


@cooperative_screen(write=LOAN_OFFICE_ROLES)
def application_new(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    products = list(selectors.products(cooperative=cooperative))
    members = list(Member.objects.filter(cooperative=cooperative, status=Member.Status.MEMBER)
                   .order_by("name").only("pk", "name", "number"))
    values: dict[str, Any] = dict(request.POST.items()) if request.method == "POST" else {}
    error = None
    check = None
    if request.method == "POST":
        try:
            member = next((m for m in members if str(m.pk) == values.get("member")), None)
            product = next((p for p in products if str(p.pk) == values.get("product")), None)
            if member is None or product is None:
                raise LumbungError("BAD_INPUT", detail=_("pilih anggota dan produk"))
            application = services.loan_application_submit(
                cooperative=cooperative, member=member, product=product,
                amount=parse_amount(values.get("amount", "")),
                term_months=_int(values.get("term"), _("jangka waktu")),
                purpose=values.get("purpose", ""),
                collateral=values.get("collateral", "").strip()[:300],
                collateral_value=parse_amount(values.get("collateral_value", "")),
                guarantor_name=values.get("guarantor_name", "").strip()[:150],
                guarantor_relation=values.get("guarantor_relation", "").strip()[:60],
                related_party=values.get("related_party") == "on",
                acting_user=request.user,
                **{field: values.get(field, "").strip()[:2000] for field in FIVE_C},
            )
        except LumbungError as exc:
            error = exc
            if values.get("member") and values.get("amount"):
                member = next((m for m in members if str(m.pk) == values.get("member")), None)
                try:
                    amount = parse_amount(values.get("amount", ""))
                except LumbungError:
                    amount = 0
                if member is not None:
                    check = selectors.lending_limit_check(
                        cooperative=cooperative, member=member, amount=amount,
                        related_party=values.get("related_party") == "on")
        else:
            messages.success(request, _("Pengajuan pinjaman %(member)s dicatat dan menunggu "
                                        "persetujuan.") % {"member": application.member.name})
            return redirect("loan_applications", code=cooperative.code)
    return render_screen(request, access, "loans/application_new.html", {
        "products": products, "members": members, "values": values, "error": error,
        "check": check, "five_c": FIVE_C,
    }, status=400 if error else 200)


@cooperative_screen("loan_applications")
def applications(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """The approval queue: applications waiting, with the BMPP check and the votes so far."""
    cooperative = access.cooperative
    # member_documents: what a member attached in the member's app (lumbung/portal).
    pending = list(selectors.applications(cooperative=cooperative)
                   .filter(status=LoanApplication.Status.SUBMITTED)
                   .prefetch_related("member_documents").order_by("id"))
    decided = list(selectors.applications(cooperative=cooperative)
                   .exclude(status=LoanApplication.Status.SUBMITTED).select_related("loan")
                   .order_by("-id")[:20])
    checks = selectors.application_limit_checks(cooperative=cooperative, pending=pending)
    rows = [{
        "application": a,
        "needed": services.approvals_needed(a),
        "check": checks[a.pk],
        "schedule": calculations.schedule(
            principal=a.amount, annual_rate=a.product.annual_rate, months=a.term_months,
            method=a.product.method, start=cooperative.business_date,
            grace_months=min(a.product.grace_months, a.term_months - 1),
            rounding_unit=a.product.rounding_unit)[:1],
    } for a in pending]
    return render_screen(request, access, "loans/applications.html", {
        "rows": rows, "decided": decided, "user_id": request.user.pk,
        "may_decide": access.has_any(LOAN_APPROVER_ROLES),
        "may_withdraw": access.has_any(LOAN_OFFICE_ROLES),
    })


@require_POST
@cooperative_screen(write=LOAN_APPROVER_ROLES | LOAN_OFFICE_ROLES)
def application_decide(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    application = LoanApplication.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if application is None:
        raise Http404
    decision = request.POST.get("decision")
    try:
        if decision not in {"approve", "reject"}:
            raise LumbungError("BAD_INPUT", detail=_("keputusan tidak dikenal"))
        decided = services.loan_application_decide(
            application=application, approve=decision == "approve",
            note=request.POST.get("note", "").strip(), acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
        return redirect("loan_applications", code=access.cooperative.code)
    if decided.status == LoanApplication.Status.APPROVED:
        messages.success(request, _("Pengajuan disetujui; pinjaman %(loan)s siap dicairkan.")
                         % {"loan": decided.loan.display_number})
        return redirect("loan_detail", code=access.cooperative.code, pk=decided.loan.pk)
    messages.success(request, _("Keputusan Anda atas pengajuan %(member)s dicatat.")
                     % {"member": decided.member.name})
    return redirect("loan_applications", code=access.cooperative.code)


# ---------------------------------------------------------------- the loan card


def _savings_accounts(loan: Loan) -> list[SavingsAccount]:
    return list(SavingsAccount.objects.filter(
        cooperative_id=loan.cooperative_id, member_id=loan.member_id,
        product__kind__in=("sukarela", "wadiah", "mudharabah"),
    ).exclude(status=SavingsAccount.Status.CLOSED).select_related("product").order_by("number"))


@cooperative_screen("loan_detail")
def loan_detail(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    cooperative = access.cooperative
    outstanding, credit = selectors.loan_balance(loan)
    instalments = list(loan.instalments.order_by("n"))
    day = cooperative.business_date
    due_now = sum(row.unpaid for row in instalments if row.due_date <= day)
    upcoming = next((row for row in instalments if row.unpaid and row.due_date > day), None)
    return render_screen(request, access, "loans/loan_detail.html", {
        "loan": loan,
        "net": loan.principal - loan.fees,
        "outstanding": outstanding,
        "credit": credit,
        "instalments": instalments,
        "preview": services.loan_schedule_preview(loan) if not instalments else [],
        "repayments": list(selectors.repayments(loan=loan)),
        "due_now": due_now,
        "upcoming": upcoming,
        "payoff": services.payoff_amount(loan) if loan.status == Loan.Status.ACTIVE else 0,
        "days": calculations.days_past_due(
            next((r.due_date for r in instalments if r.unpaid and r.due_date <= day), None), day),
        "savings_accounts": _savings_accounts(loan),
        "may_move_money": access.has_any(LOAN_OFFICE_ROLES),
        "token": uuid.uuid4().hex,
        "is_sharia": loan.contract in SHARIA_CONTRACTS,
        "allocation_words": allocation_words(loan),
        "standing": SavingsAccount.objects.filter(
            cooperative=cooperative, pk=loan.autodebit_savings_id).first()
        if loan.autodebit_savings_id else None,
    })


def _savings_choice(loan: Loan, value: str | None) -> SavingsAccount | None:
    if not value:
        return None
    account = next((a for a in _savings_accounts(loan) if str(a.pk) == value), None)
    if account is None:
        raise LumbungError("LOAN_SAVINGS_REQUIRED", what=_("transaksi ini"))
    return account


@require_POST
@cooperative_screen(write=LOAN_OFFICE_ROLES)
def disburse(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        to_savings = request.POST.get("to") == "savings"
        account = _savings_choice(loan, request.POST.get("savings_account"))
        if to_savings and account is None:
            raise LumbungError("LOAN_SAVINGS_REQUIRED", what=_("pencairan"))
        services.loan_disburse(
            cooperative=access.cooperative, loan=loan, acting_user=request.user,
            savings_account=account if to_savings else None,
            autodebit_account=account,
            idempotency_key=f"web:{request.POST.get('token', '')}"[:100]
            if request.POST.get("token") else None,
        )
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Pinjaman %(loan)s dicairkan.") % {"loan": loan.display_number})
    return redirect("loan_detail", code=access.cooperative.code, pk=loan.pk)


@require_POST
@cooperative_screen(write=LOAN_OFFICE_ROLES)
def standing_instruction(request: HttpRequest, access: CooperativeAccess, pk: int
                         ) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        account = _savings_choice(loan, request.POST.get("savings_account"))
        services.loan_standing_instruction_set(cooperative=access.cooperative, loan=loan,
                                               savings_account=account,
                                               acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Autodebet angsuran disimpan.") if account
                         else _("Autodebet angsuran dihentikan."))
    return redirect("loan_detail", code=access.cooperative.code, pk=loan.pk)


@require_POST
@cooperative_screen(write=LOAN_OFFICE_ROLES)
def repay(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    loan = _loan_or_404(access, pk)
    try:
        account = _savings_choice(loan, request.POST.get("savings_account"))
        channel = (LoanRepayment.Channel.SAVINGS if account is not None
                   else LoanRepayment.Channel.COUNTER)
        repayment = services.loan_repay(
            cooperative=access.cooperative, loan=loan,
            amount=parse_amount(request.POST.get("amount", "")),
            channel=channel, savings_account=account,
            early_payoff=request.POST.get("early_payoff") == "on",
            idempotency_key=f"web:{request.POST.get('token', '')}"[:100]
            if request.POST.get("token") else None,
            acting_user=request.user,
        )
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Pembayaran dicatat (jurnal #%(number)s).")
                         % {"number": repayment.entry.number if repayment.entry else "-"})
    return redirect("loan_detail", code=access.cooperative.code, pk=loan.pk)


@cooperative_screen("loan_contract")
def contract_pdf(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    """The contract (perjanjian pinjaman, or akad for sharia financing) with its schedule."""
    loan = _loan_or_404(access, pk)
    rows = services.loan_schedule_preview(loan)
    sharia = loan.contract in SHARIA_CONTRACTS
    # The contract binds in Bahasa Indonesia (UU 24/2009 Pasal 31), whatever the screen's language.
    with translation.override("id"):
        pdf = pdf_from_template("loans/contract.html", {
            "loan": loan, "cooperative": access.cooperative, "rows": rows,
            "total_interest": calculations.total_interest(rows),
            "total": loan.principal + calculations.total_interest(rows),
            "words": amount_in_words(loan.principal),
            "sharia": sharia,
            "application": loan.application,
            "allocation_words": allocation_words(loan),
            "qr": qr_svg(f"{access.cooperative.code}/{loan.display_number}"),
        })
    name = "akad" if sharia else "perjanjian"
    return file_response(pdf, filename=f"{name}-{loan.display_number}.pdf", content_type=PDF,
                         inline=True)


# ---------------------------------------------------------------- public simulation


def simulation(request: HttpRequest) -> HttpResponse:
    """Simulasi pinjaman: anyone may try the calculator, no login."""
    values = {"amount": request.GET.get("jumlah", "10.000.000"),
              "rate": request.GET.get("bunga", "18"), "months": request.GET.get("bulan", "12"),
              "method": request.GET.get("metode", "flat"),
              "start": request.GET.get("mulai", "")}
    rows: list[calculations.ScheduleRow] = []
    error = None
    if request.GET:
        try:
            amount = parse_amount(values["amount"])
            try:
                rate = Decimal(values["rate"].replace(",", "."))
            except InvalidOperation as exc:
                raise LumbungError("BAD_INPUT", detail=_("bunga per tahun")) from exc
            months = _int(values["months"], _("jangka waktu"))
            if not 0 < months <= MAX_SIMULATION_MONTHS or not 0 <= rate <= 100 or amount <= 0:
                raise LumbungError("BAD_INPUT", detail=_(
                    "jumlah, bunga 0 sampai 100 persen, 1 sampai 360 bulan"))
            if values["method"] not in calculations.Method.__members__.values():
                raise LumbungError("BAD_INPUT", detail=_("metode"))
            start = parse_date(values["start"]) or _today()
            rows = calculations.schedule(principal=amount, annual_rate=rate, months=months,
                                         method=values["method"], start=start)
        except LumbungError as exc:
            error = exc
    return render(request, "loans/simulation.html", {
        "values": values, "rows": rows, "error": error,
        "total_interest": calculations.total_interest(rows),
        "total": sum(row.total for row in rows),
        "methods": [("flat", _("Flat")), ("declining", _("Efektif / menurun")),
                    ("annuity", _("Anuitas"))],
    }, status=400 if error else 200)


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()
