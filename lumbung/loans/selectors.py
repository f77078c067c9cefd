"""Reads of loans, always for one cooperative given explicitly. Balances come from the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Min, Q, QuerySet, Sum

from lumbung.ledger.models import AccountBalance, SubledgerBalance
from lumbung.loans.calculations import days_past_due, lending_limit
from lumbung.loans.models import (
    Instalment,
    LendingLimitPolicy,
    Loan,
    LoanApplication,
    LoanProduct,
    LoanRepayment,
)

# Portfolio quality (outstanding, by class, NPL, PAR, provision) for screens, reports and the
# Dinas (supervision's FIGURE_CONTRIBUTORS): see loans/portfolio.py.
from lumbung.loans.portfolio import portfolio_quality  # noqa: F401
from lumbung.members.models import Member
from lumbung.tenancy.models import Cooperative

OPEN_STATUSES = (Loan.Status.APPROVED, Loan.Status.ACTIVE)


def _rules(name: str) -> dict:
    from lumbung.loans.services import rules

    return rules(name)


def control_purpose(contract: str) -> str:
    from lumbung.loans.accounting import BOOKINGS

    return BOOKINGS[contract].control


def loan_balances(
    *, cooperative: Cooperative, loans: Sequence[Loan]
) -> dict[int, tuple[int, int]]:
    """loan pk → (outstanding principal or receivable, credit kept) in sen, from the ledger's
    sub-ledgers (one query for any number of loans)."""
    refs = {loan.subledger_ref: loan.pk for loan in loans}
    result = {loan.pk: (0, 0) for loan in loans}
    if not refs:
        return result
    purposes = {control_purpose(loan.contract) for loan in loans} | {"loan_credit"}
    rows = SubledgerBalance.objects.filter(
        cooperative=cooperative, ref__in=list(refs), account__purpose__in=purposes
    ).values_list("ref", "account__purpose", "debit", "credit")
    for ref, purpose, debit, credit in rows:
        outstanding, kept = result[refs[ref]]
        if purpose == "loan_credit":
            kept += credit - debit
        else:
            outstanding += debit - credit
        result[refs[ref]] = (outstanding, kept)
    return result


def loan_balance(loan: Loan) -> tuple[int, int]:
    return loan_balances(cooperative=loan.cooperative, loans=[loan])[loan.pk]


def own_capital(*, cooperative: Cooperative) -> int:
    """Modal sendiri (sen): the equity accounts the BMPP rule names (rules/lending_limit.yaml)."""
    purposes = _rules("lending_limit")["own_capital_purposes"]
    totals = AccountBalance.objects.filter(
        cooperative=cooperative, account__purpose__in=purposes
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["credit"] or 0) - (totals["debit"] or 0)


@dataclass(frozen=True)
class LendingLimitCheck:
    """BMPP for one borrower: what they owe already plus what is asked, against the limit."""

    own_capital: int
    percent: Decimal
    limit: int
    exposure: int
    requested: int

    @property
    def total(self) -> int:
        return self.exposure + self.requested

    @property
    def ok(self) -> bool:
        return self.total <= self.limit


def _exposures(cooperative: Cooperative, member_ids: set[int]) -> dict[int, int]:
    """member pk → what they owe or may soon owe (sen): outstanding principal of running loans,
    approved loans not yet disbursed, pending applications (a fixed number of queries)."""
    exposure = dict.fromkeys(member_ids, 0)
    open_loans = list(Loan.objects.filter(cooperative=cooperative, member_id__in=member_ids,
                                          status__in=OPEN_STATUSES))
    balances = loan_balances(cooperative=cooperative,
                             loans=[x for x in open_loans if x.status == Loan.Status.ACTIVE])
    for x in open_loans:
        exposure[x.member_id] += (balances[x.pk][0] if x.status == Loan.Status.ACTIVE
                                  else x.principal)
    pending = (LoanApplication.objects.filter(cooperative=cooperative, member_id__in=member_ids,
                                              status=LoanApplication.Status.SUBMITTED)
               .values_list("pk", "member_id", "amount"))
    for _pk, member_id, amount in pending:
        exposure[member_id] += amount
    return exposure


@dataclass(frozen=True)
class LendingLimitPercents:
    """The BMPP percents of modal sendiri that apply in one cooperative, and where they come
    from: the rule (loans/rules/lending_limit.yaml) or the cooperative's own lower limits."""

    related_party: Decimal
    other: Decimal
    rule_related_party: Decimal
    rule_other: Decimal
    own: bool
    source: str
    confidence: str

    def for_borrower(self, related_party: bool) -> Decimal:
        return self.related_party if related_party else self.other


def lending_limit_percents(*, cooperative: Cooperative) -> LendingLimitPercents:
    """The cooperative's own BMPP when it set one, else the rule's (one query)."""
    data = _rules("lending_limit")
    rule = (Decimal(str(data["related_party_percent"])), Decimal(str(data["other_percent"])))
    own = LendingLimitPolicy.objects.filter(cooperative=cooperative).first()
    chosen = (own.related_party_percent, own.other_percent) if own else rule
    return LendingLimitPercents(chosen[0], chosen[1], rule[0], rule[1], own is not None,
                                data["source"], data["confidence"])


def _limit_check(capital: int, percent: Decimal, exposure: int, amount: int
                 ) -> LendingLimitCheck:
    return LendingLimitCheck(capital, percent, lending_limit(capital, percent), exposure, amount)


def lending_limit_check(
    *, cooperative: Cooperative, member: Member, amount: int, related_party: bool,
    excluding_application: LoanApplication | None = None,
) -> LendingLimitCheck:
    """The member's exposure (outstanding principal of running loans, approved loans not yet
    disbursed, other pending applications) plus `amount` against the BMPP."""
    exposure = _exposures(cooperative, {member.pk})[member.pk]
    if excluding_application is not None and \
            excluding_application.status == LoanApplication.Status.SUBMITTED:
        exposure -= excluding_application.amount
    percent = lending_limit_percents(cooperative=cooperative).for_borrower(related_party)
    return _limit_check(own_capital(cooperative=cooperative), percent, exposure, amount)


def application_limit_checks(
    *, cooperative: Cooperative, pending: Sequence[LoanApplication]
) -> dict[int, LendingLimitCheck]:
    """application pk → its BMPP check, for a queue of pending applications (fixed queries)."""
    capital = own_capital(cooperative=cooperative)
    percents = lending_limit_percents(cooperative=cooperative)
    exposures = _exposures(cooperative, {a.member_id for a in pending})
    return {a.pk: _limit_check(capital, percents.for_borrower(a.related_party),
                               exposures[a.member_id] - a.amount, a.amount) for a in pending}


def products(*, cooperative: Cooperative, active_only: bool = True) -> QuerySet[LoanProduct]:
    found = LoanProduct.objects.filter(cooperative=cooperative)
    return found.filter(active=True) if active_only else found


def applications(*, cooperative: Cooperative) -> QuerySet[LoanApplication]:
    return (LoanApplication.objects.filter(cooperative=cooperative)
            .select_related("member", "product", "submitted_by").prefetch_related("votes__user"))


def loans(*, cooperative: Cooperative) -> QuerySet[Loan]:
    return Loan.objects.filter(cooperative=cooperative).select_related(
        "member", "product", "disbursement_entry")


def loan(*, cooperative: Cooperative, pk: int) -> Loan | None:
    return loans(cooperative=cooperative).filter(pk=pk).first()


def unpaid_instalments(loan: Loan) -> list[Instalment]:
    """Instalments with anything left to pay, in due order."""
    return [row for row in loan.instalments.order_by("n") if row.unpaid > 0]


def amount_due(loan: Loan, day: dt.date) -> int:
    """What the member owes on `day` (sen): every unpaid part of the instalments due by then."""
    return sum(row.unpaid for row in loan.instalments.filter(due_date__lte=day)
               if row.unpaid > 0)


def oldest_unpaid_due(cooperative: Cooperative, loan_ids: Iterable[int]) -> dict[int, dt.date]:
    """loan pk → due date of its oldest instalment not fully paid (one query)."""
    rows = (
        Instalment.objects.filter(cooperative=cooperative, loan_id__in=list(loan_ids))
        .filter(Q(principal_paid__lt=F("principal"))
                | Q(interest_paid__lt=F("interest") - F("interest_waived")))
        .values("loan_id").annotate(oldest=Min("due_date"))
    )
    return {row["loan_id"]: row["oldest"] for row in rows}


@dataclass(frozen=True)
class PortfolioRow:
    loan: Loan
    outstanding: int
    credit: int
    days_past_due: int
    arrears: int


def portfolio_rows(*, cooperative: Cooperative, day: dt.date) -> list[PortfolioRow]:
    """Every running loan with its outstanding balance, days past due and arrears (a fixed
    number of queries, whatever the number of loans)."""
    running = list(loans(cooperative=cooperative).filter(status=Loan.Status.ACTIVE)
                   .order_by("number"))
    balances = loan_balances(cooperative=cooperative, loans=running)
    oldest = oldest_unpaid_due(cooperative, [x.pk for x in running])
    arrears: dict[int, int] = {}
    for row in Instalment.objects.filter(cooperative=cooperative, due_date__lte=day,
                                         loan__status=Loan.Status.ACTIVE):
        arrears[row.loan_id] = arrears.get(row.loan_id, 0) + row.unpaid
    return [
        PortfolioRow(x, balances[x.pk][0], balances[x.pk][1],
                     days_past_due(oldest.get(x.pk), day), arrears.get(x.pk, 0))
        for x in running
    ]


def repayments(*, loan: Loan) -> QuerySet[LoanRepayment]:
    return loan.repayments.select_related("entry", "recorded_by").order_by("id")
