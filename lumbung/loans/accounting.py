"""The one place that turns a loan's disbursement and repayments into journal lines.

Each contract has a Booking in `BOOKINGS` (conventional here; the sharia contracts register
theirs from loans/sharia.py with `register_booking`). A booking names the accounts by purpose
and builds the lines; the services add the money side (`funds`: cash, a teller's drawer, the
member's savings) and post everything as one entry. Every line carries the member's id, income
lines too (SHU jasa usaha is computed from them). Interest is income when it is paid (cash
basis); an accrual step may post receivable interest and a booking then settles it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec
from lumbung.loans.models import Contract, Loan

# purpose-set -> codes, per cooperative, while a batch runs (booking_codes_cached).
_CODES: ContextVar[dict[tuple[int, frozenset[str]], dict[str, str]] | None] = ContextVar(
    "loan_booking_codes", default=None)


@contextmanager
def booking_codes_cached() -> Iterator[None]:
    """Inside the block, each booking reads its account codes once per cooperative (a nightly
    batch of repayments asks for the same codes for every loan)."""
    token = _CODES.set({})
    try:
        yield
    finally:
        _CODES.reset(token)


def codes_for(cooperative: Any, purposes: Iterable[str]) -> dict[str, str]:
    """account_codes_by_purpose, read once per batch inside booking_codes_cached."""
    wanted = frozenset(purposes)
    cache = _CODES.get()
    if cache is None:
        return account_codes_by_purpose(cooperative=cooperative, purposes=wanted)
    key = (cooperative.pk, wanted)
    if key not in cache:
        cache[key] = account_codes_by_purpose(cooperative=cooperative, purposes=wanted)
    return cache[key]


@dataclass(frozen=True)
class RepaymentSplit:
    """How one repayment settles a loan (sen). `credit_used` comes from the loan's credit
    (titipan), `credit_kept` goes into it; the rest of the parts are paid by the funds."""

    principal: int = 0
    interest: int = 0
    penalty: int = 0
    credit_kept: int = 0
    credit_used: int = 0

    @property
    def fresh_money(self) -> int:
        """What the funds side pays in."""
        return self.principal + self.interest + self.penalty + self.credit_kept - self.credit_used


@dataclass(frozen=True)
class Booking:
    """Account purposes of one contract and the lines they give."""

    control: str
    interest_income: str
    penalty: str
    provision_income: str
    admin_income: str
    insurance_payable: str = "loan_insurance_payable"
    credit: str = "loan_credit"
    # Line memos: what the return and the late charge are called under this contract (a sharia
    # contract's return is margin, profit share or ujrah, never interest).
    return_memo: str = "bunga"
    penalty_memo: str = "denda"

    def codes(self, loan: Loan) -> dict[str, str]:
        return codes_for(loan.cooperative,
                         {self.control, self.interest_income, self.penalty,
                          self.provision_income, self.admin_income, self.insurance_payable,
                          self.credit})

    def disbursement_lines(self, loan: Loan, funds: Sequence[LineSpec]) -> list[LineSpec]:
        """Dr the loan for the principal; Cr the fees to income / payable and the net amount to
        `funds` (credit lines summing to principal − fees)."""
        codes, member, ref = self.codes(loan), loan.member_id, loan.subledger_ref
        lines = [LineSpec(codes[self.control], debit=loan.principal, member_id=member,
                          subledger_ref=ref, memo="pokok")]
        for purpose, amount, memo in [
            (self.provision_income, loan.provision_fee, "provisi"),
            (self.admin_income, loan.admin_fee, "administrasi"),
            (self.insurance_payable, loan.insurance_premium, "premi asuransi"),
        ]:
            if amount:
                lines.append(LineSpec(codes[purpose], credit=amount, member_id=member, memo=memo))
        return lines + list(funds)

    def repayment_lines(
        self, loan: Loan, split: RepaymentSplit, funds: Sequence[LineSpec]
    ) -> list[LineSpec]:
        """`funds` (debit lines summing to split.fresh_money) and credit used on the debit side;
        principal, interest, penalty and credit kept on the credit side."""
        codes, member, ref = self.codes(loan), loan.member_id, loan.subledger_ref
        lines = list(funds)
        if split.credit_used:
            lines.append(LineSpec(codes[self.credit], debit=split.credit_used, member_id=member,
                                  subledger_ref=ref, memo="pakai titipan"))
        for purpose, amount, memo, sub in [
            (self.control, split.principal, "pokok", ref),
            (self.interest_income, split.interest, self.return_memo, ""),
            (self.penalty, split.penalty, self.penalty_memo, ""),
            (self.credit, split.credit_kept, "titipan kelebihan", ref),
        ]:
            if amount:
                lines.append(LineSpec(codes[purpose], credit=amount, member_id=member,
                                      subledger_ref=sub, memo=memo))
        return lines


BOOKINGS: dict[str, Booking] = {}


def register_booking(contract: str, booking: Booking) -> None:
    BOOKINGS[contract] = booking


def booking_for(loan: Loan) -> Booking:
    """The loan's contract booking; KeyError for a contract nobody registered (a sharia
    contract before loans/sharia.py is loaded is a programming error)."""
    return BOOKINGS[loan.contract]


register_booking(Contract.CONVENTIONAL, Booking(
    control="loans_members",
    interest_income="income_loan_interest",
    penalty="income_loan_penalty",
    provision_income="income_loan_provision",
    admin_income="income_loan_admin",
))
