"""Loans for the financing tests: a member, an approved loan with its schedule, disbursed in cash
through the contract's booking, and instalments paid through it (no teller needed)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.loans.accounting import RepaymentSplit, booking_for
from lumbung.loans.calculations import schedule
from lumbung.loans.models import Instalment, Loan, LoanProduct
from lumbung.loans.services import loan_products_install
from lumbung.members.models import Member
from lumbung.tenancy.models import Cooperative

_niks = itertools.count(1)


def member(cooperative: Cooperative, name: str = "Siti Aminah") -> Member:
    n = next(_niks)
    number = (Member.objects.filter(cooperative=cooperative).aggregate(n=Max("number"))["n"]
              or 0) + 1
    return Member.objects.create(
        cooperative=cooperative, number=number, status=Member.Status.MEMBER,
        nik=f"337501010190{n:04d}", name=name, birth_date=dt.date(1990, 1, 1), gender="P",
        registered_on=cooperative.business_date,
    )


def cash_code(cooperative: Cooperative) -> str:
    return account_codes_by_purpose(cooperative=cooperative, purposes={"cash"})["cash"]


def make_loan(cooperative: Cooperative, *, principal: int, months: int = 12,
              rate: str = "12", product: str | None = None, method: str = "flat",
              start: dt.date | None = None, collateral: int = 0, borrower: Member | None = None,
              related_party: bool = False, acting_user=None) -> Loan:
    """An active loan disbursed in cash on `start` (default: the business date), no fees."""
    loan_products_install(cooperative=cooperative, acting_user=None)
    code = product or ("murabahah" if cooperative.is_sharia else "pinjaman-umum")
    chosen = LoanProduct.objects.get(cooperative=cooperative, code=code)
    start = start or cooperative.business_date
    number = (Loan.objects.filter(cooperative=cooperative).aggregate(n=Max("number"))["n"] or 0)
    application = None
    if collateral or related_party:
        from lumbung.loans.models import LoanApplication

        application = LoanApplication.objects.create(
            cooperative=cooperative, member=borrower or member(cooperative), product=chosen,
            amount=principal, term_months=months, purpose="modal usaha", applied_on=start,
            collateral_value=collateral, related_party=related_party,
            status=LoanApplication.Status.APPROVED,
            submitted_by=acting_user,
        )
        borrower = application.member
    loan = Loan(
        cooperative=cooperative, number=number + 1, member=borrower or member(cooperative),
        product=chosen, application=application, contract=chosen.contract, method=method,
        principal=principal, annual_rate=Decimal(rate), term_months=months,
        status=Loan.Status.ACTIVE, approved_on=start, disbursed_on=start,
    )
    loan.take_terms(chosen)
    loan.save()
    rows = schedule(principal=principal, annual_rate=Decimal(rate), months=months,
                    method=method, start=start)
    Instalment.objects.bulk_create(
        Instalment(cooperative=cooperative, loan=loan, n=r.n, due_date=r.due_date,
                   principal=r.principal, interest=r.interest) for r in rows
    )
    lines = booking_for(loan).disbursement_lines(
        loan, [LineSpec(cash_code(cooperative), credit=principal)])
    with transaction.atomic():
        journal_entry_post(cooperative=cooperative, lines=lines, date=start,
                           allow_backdate=True, description=f"Pencairan {loan}",
                           source="loans.disbursement", acting_user=acting_user)
    return loan


def pay_instalment(loan: Loan, n: int, acting_user=None) -> None:
    """Pay instalment `n` in full, in cash, through the contract's booking."""
    row = loan.instalments.get(n=n)
    split = RepaymentSplit(principal=row.principal_due, interest=row.interest_due,
                           penalty=row.penalty_due)
    funds = [LineSpec(cash_code(loan.cooperative), debit=split.fresh_money)]
    with transaction.atomic():
        journal_entry_post(cooperative=loan.cooperative,
                           lines=booking_for(loan).repayment_lines(loan, split, funds),
                           description=f"Angsuran {n} {loan}", source="loans.repayment",
                           acting_user=acting_user)
        Instalment.objects.filter(pk=row.pk).update(
            principal_paid=row.principal, interest_paid=row.interest - row.interest_waived,
            penalty_paid=row.penalty, paid_on=loan.cooperative.business_date)


def move_to(cooperative: Cooperative, day: dt.date) -> None:
    """Set the business date (tests jump over nights the steps under test do not need)."""
    Cooperative.objects.filter(pk=cooperative.pk).update(business_date=day)
    cooperative.refresh_from_db()
