"""Sharia financing: the maths of each akad (pure) and where its money goes.

- murabahah: the receivable is the selling price (cost + margin); the margin waits in a contra
  account (deferred margin) and becomes income in proportion to the receivable collected
  (PSAK 102 proportional method; exact method [UNCONFIRMED], regulations.md §4.3).
- mudharabah / musyarakah: profit the member realises in a period is shared by the agreed
  nisbah; a loss is borne by capital share (mudharabah: the cooperative provided all capital,
  so it bears the whole loss unless the member was negligent).
- ijarah (ijarah multijasa): the ujrah part of each instalment is income.
- qardh: principal only; an admin fee is allowed (to income_qardh_fee or the benevolence fund).
- a late charge (ta'zir) on any sharia contract goes to the benevolence fund, never to income.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import round_sen
from lumbung.ledger.selectors import account_codes_by_purpose, subledger_balances
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.loans.accounting import (
    Booking,
    RepaymentSplit,
    booking_for,
    codes_for,
    register_booking,
)
from lumbung.loans.calculations import schedule, total_interest
from lumbung.loans.models import Instalment, Loan
from lumbung.loans.models_quality import ProfitReport, ProfitSharingTerms
from lumbung.tenancy.models import Cooperative

CONVENTIONAL = "conventional"
MURABAHAH = "murabahah"
MUDHARABAH = "mudharabah"
MUSYARAKAH = "musyarakah"
IJARAH = "ijarah"
QARDH = "qardh"
SHARIA_CONTRACTS = (MURABAHAH, MUDHARABAH, MUSYARAKAH, IJARAH, QARDH)
PROFIT_SHARING_CONTRACTS = (MUDHARABAH, MUSYARAKAH)

# The control account (purpose) holding each contract's receivable, and where its return goes.
RECEIVABLE_PURPOSE = {
    CONVENTIONAL: "loans_members",
    MURABAHAH: "financing_murabahah",
    MUDHARABAH: "financing_mudharabah",
    MUSYARAKAH: "financing_musyarakah",
    IJARAH: "financing_ijarah",
    QARDH: "financing_qardh",
}
RETURN_PURPOSE = {
    CONVENTIONAL: "income_loan_interest",
    MURABAHAH: "income_murabahah_margin",
    MUDHARABAH: "income_mudharabah",
    MUSYARAKAH: "income_musyarakah",
    IJARAH: "income_ijarah",
}


def is_sharia(contract: str) -> bool:
    return contract in SHARIA_CONTRACTS


def late_charge_purpose(contract: str) -> str:
    """Where a late charge goes: ta'zir on sharia contracts to the benevolence fund (dana
    kebajikan, a social fund), denda on conventional loans to income."""
    return "benevolence_fund" if is_sharia(contract) else "income_loan_penalty"


def margin_recognised(*, margin: int, selling_price: int, collected_before: int,
                      collected_now: int) -> int:
    """Murabahah margin (sen) that becomes income when `collected_now` of the selling price is
    collected after `collected_before`: margin × collected / selling price, computed on the
    running total so the parts always add up to the whole margin once everything is collected."""
    if selling_price <= 0:
        return 0

    def share(collected: int) -> int:
        collected = min(max(collected, 0), selling_price)
        return round_sen(Decimal(margin) * collected / selling_price)

    return share(collected_before + collected_now) - share(collected_before)


def profit_share(*, realised_profit: int, nisbah: Decimal) -> int:
    """The cooperative's share (sen) of profit the member realised, by its nisbah (0..1)."""
    if realised_profit <= 0:
        return 0
    return round_sen(Decimal(realised_profit) * nisbah)


def loss_share(*, loss: int, cooperative_capital: int, member_capital: int,
               member_negligent: bool = False) -> int:
    """The part of a loss (sen) the cooperative bears: by capital share (musyarakah; for
    mudharabah the member's capital is 0, so the cooperative bears it all), nothing when the
    member was negligent (the member then owes it)."""
    total_capital = cooperative_capital + member_capital
    if loss <= 0 or member_negligent or total_capital <= 0:
        return 0
    return round_sen(Decimal(loss) * cooperative_capital / total_capital)


# ---------------------------------------------------------------- bookings (loans/accounting.py)


def murabahah_margin(loan: Loan) -> int:
    """The loan's whole margin (sen): the margin parts of its schedule."""
    margin = loan.instalments.aggregate(total=Sum("interest"))["total"]
    if margin is None:
        margin = total_interest(schedule(
            principal=loan.principal, annual_rate=loan.annual_rate, months=loan.term_months,
            method=loan.method, start=loan.disbursed_on or loan.approved_on,
            grace_months=loan.grace_months, rounding_unit=loan.rounding_unit,
        ))
    return int(margin)


def murabahah_collected(loan: Loan, control_code: str, margin: int) -> int:
    """How much of the selling price (sen) has been collected: price − receivable balance."""
    balance = subledger_balances(cooperative=loan.cooperative, account_code=control_code,
                                 refs=[loan.subledger_ref]).get(loan.subledger_ref, 0)
    return loan.principal + margin - balance


def murabahah_margin_deferred(loan: Loan, control_code: str) -> int:
    """Margin (sen) still deferred for `loan`: the whole margin less what collections recognised."""
    margin = murabahah_margin(loan)
    collected = murabahah_collected(loan, control_code, margin)
    return margin - margin_recognised(margin=margin, selling_price=loan.principal + margin,
                                      collected_before=0, collected_now=collected)


@dataclass(frozen=True)
class MurabahahBooking(Booking):
    """Murabahah (PSAK 102): the receivable is the selling price (cost + margin), the margin
    waits in a contra account and becomes income as the instalments carrying it are paid."""

    deferred_margin: str = "deferred_murabahah_margin"

    def codes(self, loan: Loan) -> dict[str, str]:
        return {**super().codes(loan), **codes_for(loan.cooperative, {self.deferred_margin})}

    def disbursement_lines(self, loan: Loan, funds: Sequence[LineSpec]) -> list[LineSpec]:
        lines = super().disbursement_lines(loan, funds)
        margin = murabahah_margin(loan)
        if margin:
            codes = self.codes(loan)
            lines[1:1] = [
                LineSpec(codes[self.control], debit=margin, member_id=loan.member_id,
                         subledger_ref=loan.subledger_ref, memo="margin murabahah"),
                LineSpec(codes[self.deferred_margin], credit=margin, member_id=loan.member_id,
                         memo="margin murabahah ditangguhkan"),
            ]
        return lines

    def repayment_lines(self, loan: Loan, split: RepaymentSplit, funds: Sequence[LineSpec]
                        ) -> list[LineSpec]:
        """The instalment's principal and margin parts both settle the receivable; margin
        income is the collected share of the selling price (margin_recognised), moved out of
        the deferred margin. Call before the repayment is posted (reads the balance)."""
        codes = self.codes(loan)
        income = codes[self.interest_income]
        lines = [
            LineSpec(codes[self.control], credit=line.credit, member_id=line.member_id,
                     subledger_ref=loan.subledger_ref, memo="margin murabahah")
            if line.account == income and line.credit else line
            for line in super().repayment_lines(loan, split, funds)
        ]
        margin = murabahah_margin(loan)
        recognised = margin_recognised(
            margin=margin, selling_price=loan.principal + margin,
            collected_before=murabahah_collected(loan, codes[self.control], margin),
            collected_now=split.principal + split.interest,
        )
        if recognised:
            lines += [
                LineSpec(codes[self.deferred_margin], debit=recognised,
                         member_id=loan.member_id, memo="pengakuan margin"),
                LineSpec(income, credit=recognised, member_id=loan.member_id,
                         memo="margin murabahah"),
            ]
        return lines


TAZIR_MEMO = "ta'zir (dana kebajikan)"


def _sharia_booking(control: str, income: str, return_memo: str,
                    admin: str = "income_financing_admin") -> Booking:
    return Booking(control=control, interest_income=income, penalty="benevolence_fund",
                   provision_income=admin, admin_income=admin, return_memo=return_memo,
                   penalty_memo=TAZIR_MEMO)


register_booking(MURABAHAH, MurabahahBooking(
    control="financing_murabahah", interest_income="income_murabahah_margin",
    penalty="benevolence_fund", provision_income="income_financing_admin",
    admin_income="income_financing_admin", return_memo="margin murabahah",
    penalty_memo=TAZIR_MEMO,
))
# Mudharabah / musyarakah: the schedule's return part is the expected profit share; a profit
# report (profit_report_record) sets it to the nisbah share of the realised profit.
register_booking(MUDHARABAH, _sharia_booking("financing_mudharabah", "income_mudharabah",
                                             "bagi hasil"))
register_booking(MUSYARAKAH, _sharia_booking("financing_musyarakah", "income_musyarakah",
                                             "bagi hasil"))
# Ijarah multijasa: the ujrah part of each instalment is income when paid.
register_booking(IJARAH, _sharia_booking("financing_ijarah", "income_ijarah", "ujrah"))
# Qardh returns the principal only (its products have no rate); the admin fee is ujrah qardh.
register_booking(QARDH, _sharia_booking("financing_qardh", "income_qardh_fee", "ujrah qardh",
                                        admin="income_qardh_fee"))


# ---------------------------------------------------------------- profit-sharing reports


def _require_profit_sharing(loan: Loan) -> None:
    if loan.contract not in PROFIT_SHARING_CONTRACTS:
        raise LumbungError("LOAN_NOT_PROFIT_SHARING", loan=loan.display_number)


def profit_terms_set(*, cooperative: Cooperative, loan: Loan, nisbah: Decimal,
                     member_capital: int = 0, acting_user: Any) -> ProfitSharingTerms:
    """Record the akad's nisbah (the cooperative's share of realised profit, 0..1, exclusive)
    and, for musyarakah, the member's own capital. Fixed once a profit report exists.
    Raises LOAN_NOT_PROFIT_SHARING, BAD_INPUT."""
    _require_profit_sharing(loan)
    if not Decimal(0) < nisbah < Decimal(1):
        raise LumbungError("BAD_INPUT",
                           detail=_("nisbah koperasi harus di antara 0 dan 100 persen"))
    if member_capital < 0 or (loan.contract == MUDHARABAH and member_capital):
        raise LumbungError("BAD_INPUT", detail=_("modal anggota hanya untuk musyarakah (>= 0)"))
    with transaction.atomic(durable=True):
        if ProfitReport.objects.filter(loan=loan).exists():
            raise LumbungError("BAD_INPUT", detail=_("nisbah tidak dapat diubah setelah ada "
                                                     "laporan bagi hasil"))
        terms, _created = ProfitSharingTerms.objects.update_or_create(
            loan=loan, defaults={"cooperative": cooperative, "nisbah": nisbah,
                                 "member_capital": member_capital})
        audit_record(action="loans.profit_terms.set", acting_user=acting_user,
                     cooperative=cooperative, obj=loan,
                     data={"nisbah": str(nisbah), "member_capital": member_capital})
    return terms


def profit_report_record(*, cooperative: Cooperative, loan: Loan, period_end: dt.date,
                         revenue: int, realised_profit: int, member_negligent: bool = False,
                         acting_user: Any) -> ProfitReport:
    """Record the profit (or loss) the member realised in the period ending `period_end`.

    Profit: the cooperative's nisbah share becomes the profit share due with the first unpaid
    instalment falling due on or after `period_end` (income when paid, like any instalment).
    Loss: the cooperative's part by capital share (all of it for mudharabah; none when the
    member was negligent) reduces the financing at once — Dr expense_financing_loss /
    Cr the financing — and the unpaid principal from the last instalment backwards; that
    period's profit share is nil. Raises LOAN_NOT_PROFIT_SHARING, LOAN_PROFIT_TERMS_MISSING,
    LOAN_PROFIT_REPORT_TAKEN, LOAN_NOT_ACTIVE, BAD_INPUT.
    """
    _require_profit_sharing(loan)
    if period_end > cooperative.business_date:
        raise LumbungError("BAD_INPUT", detail=_("periode laporan belum berakhir"))
    with transaction.atomic(durable=True):
        loan = Loan.objects.select_for_update().get(pk=loan.pk, cooperative=cooperative)
        if loan.status != Loan.Status.ACTIVE:
            raise LumbungError("LOAN_NOT_ACTIVE", loan=loan.display_number,
                               status=loan.get_status_display())
        terms = ProfitSharingTerms.objects.filter(loan=loan).first()
        if terms is None:
            raise LumbungError("LOAN_PROFIT_TERMS_MISSING", loan=loan.display_number)
        if ProfitReport.objects.filter(loan=loan, period_end=period_end).exists():
            raise LumbungError("LOAN_PROFIT_REPORT_TAKEN", loan=loan.display_number,
                               date=period_end)
        unpaid = list(loan.instalments.select_for_update()
                      .filter(principal_paid__lt=F("principal")).order_by("n"))
        period = next((row for row in unpaid
                       if row.due_date >= period_end and not row.interest_paid), None)
        if period is None:
            raise LumbungError("BAD_INPUT",
                               detail=_("tidak ada angsuran terbuka untuk periode ini"))
        share = profit_share(realised_profit=realised_profit, nisbah=terms.nisbah)
        borne = min(loss_share(loss=-realised_profit, cooperative_capital=loan.principal,
                               member_capital=terms.member_capital,
                               member_negligent=member_negligent),
                    sum(row.principal_due for row in unpaid))
        period.interest = share
        changed = {period.pk: period}
        left = borne
        for row in reversed(unpaid):
            cut = min(left, row.principal_due)
            if cut:
                row = changed.setdefault(row.pk, row)
                row.principal -= cut
                left -= cut
        Instalment.objects.bulk_update(changed.values(), ["principal", "interest"])
        entry = None
        if borne:
            booking = booking_for(loan)
            codes = account_codes_by_purpose(cooperative=cooperative,
                                             purposes={booking.control, "expense_financing_loss"})
            entry = journal_entry_post(
                cooperative=cooperative, source="loans.profit_report",
                lines=[LineSpec(codes["expense_financing_loss"], debit=borne,
                                member_id=loan.member_id, memo="bagian rugi koperasi"),
                       LineSpec(codes[booking.control], credit=borne, member_id=loan.member_id,
                                subledger_ref=loan.subledger_ref, memo="rugi usaha")],
                description=f"Rugi usaha {loan.display_number} periode s.d. "
                            f"{period_end:%d-%m-%Y} ditanggung koperasi",
                idempotency_key=f"loans:profit_report:{loan.pk}:{period_end.isoformat()}",
                acting_user=acting_user,
            )
        report = ProfitReport.objects.create(
            cooperative=cooperative, loan=loan, period_end=period_end, revenue=revenue,
            realised_profit=realised_profit, nisbah=terms.nisbah, cooperative_share=share,
            loss_borne=borne, member_negligent=member_negligent, instalment_n=period.n,
            entry=entry, reported_by=acting_user,
        )
        audit_record(action="loans.profit_report.recorded", acting_user=acting_user,
                     cooperative=cooperative, obj=loan,
                     data={"period_end": period_end.isoformat(), "profit": realised_profit,
                           "share": share, "loss_borne": borne})
    return report
