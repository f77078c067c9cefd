"""Tenant-scoped reads of drawers, sessions and counter transactions (cooperative explicit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from lumbung.ledger.models import AccountBalance, ApprovalRequest, SubledgerBalance
from lumbung.loans.models import Instalment, Loan
from lumbung.loans.selectors import loan_balances
from lumbung.teller.models import CashDrawer, CounterTransaction, DrawerSession
from lumbung.tenancy.models import Cooperative


def account_balance(*, cooperative: Cooperative, purpose: str) -> int:
    """Debit-minus-credit balance in sen of the account with `purpose` (cash, bank)."""
    row = AccountBalance.objects.filter(
        cooperative=cooperative, account__purpose=purpose
    ).values_list("debit", "credit").first()
    return row[0] - row[1] if row else 0


def drawer_balances(*, cooperative: Cooperative, drawer_ids: list[int]) -> dict[int, int]:
    """Cash in each drawer (sen), from its sub-ledger of the cash_drawers account: one query."""
    refs = {f"drawer:{pk}": pk for pk in drawer_ids}
    rows = SubledgerBalance.objects.filter(
        cooperative=cooperative, account__purpose="cash_drawers", ref__in=list(refs)
    ).values_list("ref", "debit", "credit")
    balances = dict.fromkeys(drawer_ids, 0)
    for ref, debit, credit in rows:
        balances[refs[ref]] = debit - credit
    return balances


def drawer_balance(*, drawer: CashDrawer) -> int:
    return drawer_balances(cooperative=drawer.cooperative, drawer_ids=[drawer.pk])[drawer.pk]


def drawers(*, cooperative: Cooperative) -> QuerySet[CashDrawer]:
    return CashDrawer.objects.filter(cooperative=cooperative, active=True).order_by("name")


def open_session_for(*, cooperative: Cooperative, teller: Any) -> DrawerSession | None:
    """The teller's open drawer session, if any (at most one, by constraint)."""
    return (
        DrawerSession.objects.filter(cooperative=cooperative, teller=teller,
                                     status=DrawerSession.Status.OPEN)
        .select_related("drawer", "teller")
        .first()
    )


def open_drawer_sessions(*, cooperative: Cooperative, date: dt.date) -> list[DrawerSession]:
    """Sessions still open that were opened on or before `date`.

    The period close (reports) refuses while this is not empty: cash still in a drawer
    has not been counted.
    """
    return list(
        DrawerSession.objects.filter(
            cooperative=cooperative, status=DrawerSession.Status.OPEN, business_date__lte=date
        )
        .select_related("drawer", "teller")
        .order_by("business_date", "drawer__name")
    )


def sessions_on(*, cooperative: Cooperative, date: dt.date) -> list[DrawerSession]:
    """Every session of a business day, and any still open from before it (manager's view)."""
    return list(
        DrawerSession.objects.filter(cooperative=cooperative)
        .filter(Q(business_date=date) | Q(status=DrawerSession.Status.OPEN))
        .select_related("drawer", "teller")
        .order_by("drawer__name", "opened_at")
    )


def session_transactions(*, session: DrawerSession) -> list[CounterTransaction]:
    return list(
        CounterTransaction.objects.filter(cooperative_id=session.cooperative_id, session=session)
        .select_related("entry", "approval", "approval__entry", "member")
        .order_by("created_at", "pk")
    )


def pending_withdrawals(*, session: DrawerSession) -> int:
    return CounterTransaction.objects.filter(
        cooperative_id=session.cooperative_id, session=session,
        approval__status=ApprovalRequest.Status.PENDING,
    ).count()


def counter_transaction(*, cooperative: Cooperative, pk: int) -> CounterTransaction | None:
    return (
        CounterTransaction.objects.filter(cooperative=cooperative, pk=pk)
        .select_related("session", "session__teller", "session__drawer", "entry", "approval",
                        "approval__entry", "member", "cooperative")
        .first()
    )


def member_loans(*, cooperative: Cooperative, member_ids: list[int], day: dt.date
                 ) -> dict[int, list[Loan]]:
    """Running loans of the members, for the counter: each loan gets `outstanding` and `credit`
    (sen, from its sub-ledgers), `due` (unpaid parts due by `day` less the credit kept) and
    `suggested` (what to take now: what is due, else the next instalment). Three queries."""
    loans = list(
        Loan.objects.filter(cooperative=cooperative, member_id__in=member_ids,
                            status=Loan.Status.ACTIVE)
        .select_related("product").order_by("number")
    )
    balances = loan_balances(cooperative=cooperative, loans=loans)
    due: dict[int, int] = {}
    upcoming: dict[int, int] = {}
    for row in Instalment.objects.filter(cooperative=cooperative,
                                         loan_id__in=[x.pk for x in loans]).order_by("loan", "n"):
        if row.unpaid <= 0:
            continue
        if row.due_date <= day:
            due[row.loan_id] = due.get(row.loan_id, 0) + row.unpaid
        else:
            upcoming.setdefault(row.loan_id, row.unpaid)
    result: dict[int, list[Loan]] = {}
    for loan in loans:
        outstanding, credit = balances[loan.pk]
        owed = max(due.get(loan.pk, 0) - credit, 0)
        loan.outstanding, loan.credit, loan.due = outstanding, credit, owed  # type: ignore[attr-defined]
        loan.suggested = owed or max(upcoming.get(loan.pk, 0) - credit, 0)  # type: ignore[attr-defined]
        result.setdefault(loan.member_id, []).append(loan)
    return result
