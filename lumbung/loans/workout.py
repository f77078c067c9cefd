"""Problem loans: restructuring (a new schedule), write-off (hapus buku) and recoveries.

Both restructuring and write-off are decided by two people: the officer submits, another person
with a limit for the action (tenancy/rules/role_limits.yaml: loans.restructure, loans.write_off)
approves on the approvals screen, and the approval handler carries it out in the approval's
transaction. Locks: the loan row first, the ledger head last (inside journal_entry_post).
Amounts in sen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.selectors import account_codes_by_purpose, subledger_balances
from lumbung.ledger.services import (
    LineSpec,
    approval_handler,
    approval_request_create,
    journal_entry_post,
)
from lumbung.loans.accounting import booking_for
from lumbung.loans.calculations import add_months, schedule
from lumbung.loans.models import Contract, Instalment, Loan
from lumbung.loans.models_quality import LoanQuality, LoanRecovery, LoanRestructure, LoanWriteOff
from lumbung.loans.portfolio import allowance_balance, policy_for
from lumbung.loans.sharia import murabahah_margin_deferred
from lumbung.tenancy.models import Cooperative

RESTRUCTURE_ACTION = "loans.restructure"
WRITE_OFF_ACTION = "loans.write_off"
MAX_TERM_MONTHS = 120


def _require_active(loan: Loan) -> None:
    if loan.status != Loan.Status.ACTIVE:
        raise LumbungError("LOAN_NOT_ACTIVE", loan=loan.display_number,
                           status=loan.get_status_display())


def _principal_outstanding(loan: Loan) -> int:
    left = loan.instalments.aggregate(left=Sum(F("principal") - F("principal_paid")))["left"]
    return int(left or 0)


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("cooperative", "product") \
        .get(pk=loan.pk)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise LumbungError("BAD_INPUT", detail=_("alasan wajib diisi"))
    return reason[:300]


# ---------------------------------------------------------------- restructuring


def loan_restructure_submit(
    *,
    cooperative: Cooperative,
    loan: Loan,
    term_months: int,
    annual_rate: Decimal,
    first_due_date: dt.date,
    reason: str,
    waive_penalty: bool = True,
    idempotency_key: str | None = None,
    acting_user: Any,
) -> ApprovalRequest:
    """Ask for a new schedule of the loan's outstanding principal (with its unpaid interest
    spread over the new instalments). Waits for another person's approval. Murabahah keeps its
    margin: no new margin is charged (the rate must be 0), the unpaid margin is rescheduled.
    A retry with the same `idempotency_key` returns the first request. Raises LOAN_NOT_ACTIVE,
    LOAN_RESTRUCTURE_PENDING, BAD_INPUT, LEDGER_IDEMPOTENCY_CONFLICT (the key was used for
    something else)."""
    key = f"loans:restructure:{idempotency_key}" if idempotency_key else None
    if key is not None:
        earlier = ApprovalRequest.objects.filter(cooperative=cooperative,
                                                 idempotency_key=key).first()
        if earlier is not None:
            if earlier.kind != RESTRUCTURE_ACTION or earlier.payload.get("loan_id") != loan.pk:
                raise LumbungError("LEDGER_IDEMPOTENCY_CONFLICT", key=idempotency_key)
            return earlier
    reason = _reason(reason)
    _require_active(loan)
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise LumbungError("BAD_INPUT", detail=_("jangka waktu 1 sampai %(n)s bulan")
                           % {"n": MAX_TERM_MONTHS})
    if annual_rate < 0 or annual_rate > 100:
        raise LumbungError("BAD_INPUT", detail=_("bunga per tahun 0 sampai 100 persen"))
    if loan.contract == Contract.MURABAHAH and annual_rate != 0:
        raise LumbungError("LOAN_MURABAHAH_NO_NEW_MARGIN")
    if first_due_date <= cooperative.business_date:
        raise LumbungError("BAD_INPUT", detail=_("jatuh tempo pertama harus setelah tanggal usaha"))
    if _pending_restructure(loan) is not None:
        raise LumbungError("LOAN_RESTRUCTURE_PENDING", loan=loan.display_number)
    return approval_request_create(
        cooperative=cooperative, kind=RESTRUCTURE_ACTION, amount=_principal_outstanding(loan),
        description=f"Restrukturisasi {loan.display_number} ({loan.member.name}): "
                    f"{term_months} bulan, {annual_rate}% per tahun. {reason}"[:300],
        payload={"loan_id": loan.pk, "loan": loan.display_number, "term_months": term_months,
                 "annual_rate": str(annual_rate), "first_due_date": first_due_date.isoformat(),
                 "waive_penalty": waive_penalty, "reason": reason},
        idempotency_key=key, acting_user=acting_user,
    )


def _pending_restructure(loan: Loan) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(
        cooperative_id=loan.cooperative_id, kind=RESTRUCTURE_ACTION,
        status=ApprovalRequest.Status.PENDING, payload__loan_id=loan.pk,
    ).first()


def _spread(total: int, parts: int) -> list[int]:
    """`total` sen over `parts` instalments, equal, the remainder on the last."""
    each = total // parts
    return [each] * (parts - 1) + [total - each * (parts - 1)]


@approval_handler(RESTRUCTURE_ACTION)
def _restructure_carry_out(request: ApprovalRequest, approver: Any) -> JournalEntry | None:
    """Replace the unpaid part of the schedule. No money moves (interest is income when paid),
    so there is no journal entry; the audit row keeps the old and new schedules' totals."""
    terms = request.payload
    loan = _locked(Loan(pk=terms["loan_id"]))
    _require_active(loan)
    annual_rate = Decimal(terms["annual_rate"])
    cooperative = loan.cooperative
    today = cooperative.business_date
    murabahah = loan.contract == Contract.MURABAHAH
    rows = list(loan.instalments.select_for_update().order_by("n"))
    principal = interest_carried = penalty_left = 0
    last_n = rows[-1].n if rows else 0
    keep, drop = [], []
    for row in rows:
        principal += row.principal_due
        # Interest already due (or, for murabahah, all margin still owed) moves to the new
        # schedule; interest not yet due is replaced by the new schedule's own.
        if murabahah or row.due_date <= today:
            interest_carried += row.interest_due
        penalty_left += row.penalty_due
        if row.principal_paid or row.interest_paid or row.penalty_paid:
            row.principal, row.penalty = row.principal_paid, row.penalty_paid
            row.interest = row.interest_paid + row.interest_waived
            keep.append(row)
        else:
            drop.append(row.pk)
    if principal <= 0:
        raise LumbungError("BAD_INPUT", detail=_("tidak ada pokok tersisa untuk direstrukturisasi"))
    if not terms["waive_penalty"]:
        interest_carried += penalty_left
    Instalment.objects.filter(pk__in=drop).delete()
    Instalment.objects.bulk_update(keep, ["principal", "interest", "penalty"])
    new_rows = schedule(principal=principal, annual_rate=annual_rate,
                        months=terms["term_months"], method=loan.method,
                        start=add_months(dt.date.fromisoformat(terms["first_due_date"]), -1),
                        rounding_unit=loan.rounding_unit)
    extra = _spread(interest_carried, len(new_rows))
    Instalment.objects.bulk_create(
        Instalment(cooperative=cooperative, loan=loan, n=last_n + i + 1, due_date=row.due_date,
                   principal=row.principal, interest=row.interest + extra[i])
        for i, row in enumerate(new_rows)
    )
    quality = LoanQuality.objects.filter(loan=loan).values_list("loan_class", flat=True).first()
    loan.maturity_date = new_rows[-1].due_date
    if not murabahah:
        loan.annual_rate = annual_rate
    loan.save(update_fields=["maturity_date", "annual_rate"])
    restructure = LoanRestructure.objects.create(
        cooperative=cooperative, loan=loan, reason=terms["reason"],
        term_months=terms["term_months"], annual_rate=annual_rate,
        first_due_date=new_rows[0].due_date, waive_penalty=terms["waive_penalty"],
        principal=principal, interest_carried=interest_carried,
        penalty_waived=penalty_left if terms["waive_penalty"] else 0,
        previous_class=quality or "", request=request, requested_by=request.maker,
        approved_by=approver, done_on=today,
    )
    audit_record(action="loans.restructure.done", acting_user=approver, cooperative=cooperative,
                 obj=loan, data={"principal": principal, "interest_carried": interest_carried,
                                 "penalty_waived": restructure.penalty_waived,
                                 "instalments_replaced": len(drop),
                                 "new_instalments": len(new_rows),
                                 "restructure": restructure.pk})
    return None


# ---------------------------------------------------------------- write-off and recovery


def loan_write_off_submit(*, cooperative: Cooperative, loan: Loan, reason: str, acting_user: Any
                          ) -> ApprovalRequest:
    """Ask to write off (hapus buku) a macet loan; another person approves. The loan must be in
    the policy's last class at the last nightly ageing. Raises LOAN_NOT_ACTIVE,
    LOAN_WRITE_OFF_NOT_MACET, BAD_INPUT."""
    reason = _reason(reason)
    _require_active(loan)
    worst = policy_for(cooperative).classes[-1]
    quality = LoanQuality.objects.filter(loan=loan).first()
    if quality is None or quality.loan_class != worst.code:
        raise LumbungError("LOAN_WRITE_OFF_NOT_MACET", loan=loan.display_number,
                           worst=worst.name)
    return approval_request_create(
        cooperative=cooperative, kind=WRITE_OFF_ACTION, amount=_principal_outstanding(loan),
        description=f"Hapus buku {loan.display_number} ({loan.member.name}): {reason}"[:300],
        payload={"loan_id": loan.pk, "loan": loan.display_number, "reason": reason},
        idempotency_key=f"loans:write_off:{loan.pk}", acting_user=acting_user,
    )


@approval_handler(WRITE_OFF_ACTION)
def _write_off_carry_out(request: ApprovalRequest, approver: Any) -> JournalEntry:
    """Take the loan off the books: Dr allowance (as far as it goes) and loss expense for the
    rest, Dr deferred margin (murabahah), Cr the receivable. The member's debt stays in the
    off-balance register (LoanWriteOff) with the unpaid interest and penalty."""
    loan = _locked(Loan(pk=request.payload["loan_id"]))
    _require_active(loan)
    cooperative = loan.cooperative
    booking = booking_for(loan)
    codes = account_codes_by_purpose(
        cooperative=cooperative,
        purposes={booking.control, "loan_loss_allowance", "expense_loan_loss"}
        | ({"deferred_murabahah_margin"} if loan.contract == Contract.MURABAHAH else set()),
    )
    control = codes[booking.control]
    receivable = subledger_balances(cooperative=cooperative, account_code=control,
                                    refs=[loan.subledger_ref]).get(loan.subledger_ref, 0)
    deferred = (murabahah_margin_deferred(loan, control)
                if loan.contract == Contract.MURABAHAH else 0)
    principal = receivable - deferred
    allowance_used = min(principal, max(allowance_balance(cooperative), 0))
    expense = principal - allowance_used
    member = loan.member_id
    lines = [
        LineSpec(account, debit=amount, member_id=member, memo=memo)
        for account, amount, memo in [
            (codes["loan_loss_allowance"], allowance_used, "CKPN dipakai"),
            (codes["expense_loan_loss"], expense, "kekurangan CKPN"),
            (codes.get("deferred_murabahah_margin", ""), deferred, "margin ditangguhkan"),
        ] if amount
    ] + [LineSpec(control, credit=receivable, member_id=member,
                  subledger_ref=loan.subledger_ref, memo="hapus buku")]
    entry = journal_entry_post(
        cooperative=cooperative, lines=lines, source="loans.write_off",
        description=f"Hapus buku {loan.display_number}: {request.payload['reason']}"[:300],
        idempotency_key=f"loans:write_off:{loan.pk}", approved_by=approver,
        acting_user=request.maker,
    )
    unpaid = loan.instalments.aggregate(
        interest=Sum(F("interest") - F("interest_paid") - F("interest_waived")),
        penalty=Sum(F("penalty") - F("penalty_paid")),
    )
    write_off = LoanWriteOff.objects.create(
        cooperative=cooperative, loan=loan, date=cooperative.business_date,
        reason=request.payload["reason"], principal=principal, allowance_used=allowance_used,
        expense=expense, deferred_margin=deferred,
        interest_unpaid=0 if loan.contract == Contract.MURABAHAH else unpaid["interest"] or 0,
        penalty_unpaid=unpaid["penalty"] or 0, entry=entry,
        requested_by=request.maker, approved_by=approver,
    )
    loan.status = Loan.Status.WRITTEN_OFF
    loan.closed_on = cooperative.business_date
    loan.save(update_fields=["status", "closed_on"])
    audit_record(action="loans.write_off.done", acting_user=approver, cooperative=cooperative,
                 obj=loan, data={"principal": principal, "allowance_used": allowance_used,
                                 "expense": expense, "entry": entry.number,
                                 "requested_by": request.maker_id})
    return write_off.entry


def write_off_recovered(write_off: LoanWriteOff) -> int:
    return int(write_off.recoveries.aggregate(total=Sum("amount"))["total"] or 0)


def loan_recovery_record(*, cooperative: Cooperative, write_off: LoanWriteOff, amount: int,
                         idempotency_key: str, acting_user: Any) -> LoanRecovery:
    """Money paid in cash on a written-off loan: Dr cash / Cr income_loan_recovery (the member's
    id on both lines). A retry with the same key returns the first. Raises
    LOAN_RECOVERY_TOO_MUCH, LOAN_AMOUNT_POSITIVE."""
    if amount <= 0:
        raise LumbungError("LOAN_AMOUNT_POSITIVE")
    key = f"loans:recovery:{idempotency_key}"
    with transaction.atomic(durable=True):
        earlier = LoanRecovery.objects.filter(cooperative=cooperative, idempotency_key=key).first()
        if earlier is not None:
            return earlier
        write_off = LoanWriteOff.objects.select_for_update().select_related("loan") \
            .get(pk=write_off.pk, cooperative=cooperative)
        left = write_off.claim - write_off_recovered(write_off)
        if amount > left:
            raise LumbungError("LOAN_RECOVERY_TOO_MUCH", left=format_rupiah(left))
        codes = account_codes_by_purpose(cooperative=cooperative,
                                         purposes={"cash", "income_loan_recovery"})
        member = write_off.loan.member_id
        entry = journal_entry_post(
            cooperative=cooperative,
            lines=[LineSpec(codes["cash"], debit=amount, member_id=member),
                   LineSpec(codes["income_loan_recovery"], credit=amount, member_id=member,
                            memo=f"pemulihan {write_off.loan.display_number}")],
            source="loans.recovery", idempotency_key=key, acting_user=acting_user,
            description=f"Pemulihan pinjaman hapus buku {write_off.loan.display_number}",
        )
        recovery = LoanRecovery.objects.create(
            cooperative=cooperative, write_off=write_off, date=cooperative.business_date,
            amount=amount, entry=entry, idempotency_key=key, recorded_by=acting_user,
        )
        audit_record(action="loans.recovery.recorded", acting_user=acting_user,
                     cooperative=cooperative, obj=write_off.loan,
                     data={"amount": amount, "entry": entry.number})
    return recovery
