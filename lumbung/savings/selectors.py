"""Reads of members' savings, always for one cooperative given explicitly.

Balances come from the ledger's SubledgerBalance ("savings:<pk>" on the product's control
account): a list reads them in one extra query, never one per account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from lumbung.ledger.models import JournalLine, SubledgerBalance
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount, SavingsProduct
from lumbung.tenancy.models import Cooperative


def balances_of(accounts: Sequence[SavingsAccount]) -> dict[int, int]:
    """Balance (sen, credit minus debit) per account pk, in one query."""
    if not accounts:
        return {}
    refs = {f"savings:{a.pk}": a.pk for a in accounts}
    rows = SubledgerBalance.objects.filter(
        cooperative_id=accounts[0].cooperative_id,
        account_id__in={a.product.ledger_account_id for a in accounts},
        ref__in=list(refs),
    ).values_list("ref", "debit", "credit")
    result = dict.fromkeys(refs.values(), 0)
    for ref, debit, credit in rows:
        result[refs[ref]] += credit - debit
    return result


def with_balances(accounts: Sequence[SavingsAccount]) -> list[SavingsAccount]:
    """The accounts, each with `.balance` (sen) set."""
    balances = balances_of(accounts)
    for account in accounts:
        account.balance = balances[account.pk]  # type: ignore[attr-defined]
    return list(accounts)


def member_accounts(*, cooperative: Cooperative, member: Member) -> list[SavingsAccount]:
    """A member's accounts (closed ones too, last), each with `.balance`. Two queries."""
    accounts = list(
        SavingsAccount.objects.filter(cooperative=cooperative, member=member)
        .select_related("product", "product__ledger_account")
        .order_by("closed_on", "product__kind", "number")
    )
    return with_balances(accounts)


def account_balance(account: SavingsAccount) -> int:
    """The account's balance in sen (one query)."""
    return balances_of([account])[account.pk]


def savings_account(*, cooperative: Cooperative, pk: int) -> SavingsAccount | None:
    return (
        SavingsAccount.objects.filter(cooperative=cooperative, pk=pk)
        .select_related("product__ledger_account", "member").first()
    )


def savings_account_by_number(*, cooperative: Cooperative, number: str) -> SavingsAccount | None:
    return (
        SavingsAccount.objects.filter(cooperative=cooperative, number=number.strip().upper())
        .select_related("product__ledger_account", "member").first()
    )


def products(*, cooperative: Cooperative) -> QuerySet[SavingsProduct]:
    return SavingsProduct.objects.filter(cooperative=cooperative).select_related(
        "ledger_account").order_by("kind", "code")


def members_search(*, cooperative: Cooperative, query: str = "") -> QuerySet[Member]:
    """Members by name, member number or full NIK (a partial NIK is not searched: personal
    data is found only by someone who already holds it)."""
    members = Member.objects.filter(cooperative=cooperative)
    query = query.strip()
    if query:
        condition = Q(name__icontains=query)
        if query.isdigit():
            condition |= Q(number=int(query)) if len(query) < 10 else Q(nik=query)
        members = members.filter(condition)
    return members.order_by("name")


@dataclass(frozen=True)
class StatementRow:
    date: dt.date
    entry_number: int
    description: str
    memo: str
    debit: int
    credit: int
    balance: int


@dataclass(frozen=True)
class Statement:
    """Passbook page: opening balance, rows with the running balance, closing balance."""

    account: SavingsAccount
    date_from: dt.date
    date_to: dt.date
    opening: int
    rows: list[StatementRow]

    @property
    def closing(self) -> int:
        return self.rows[-1].balance if self.rows else self.opening

    @property
    def total_debit(self) -> int:
        return sum(row.debit for row in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(row.credit for row in self.rows)


def _lines(account: SavingsAccount) -> QuerySet[JournalLine]:
    return JournalLine.objects.filter(
        cooperative_id=account.cooperative_id,
        account_id=account.product.ledger_account_id,
        subledger_ref=account.subledger_ref,
    )


def account_statement(
    *, account: SavingsAccount, date_from: dt.date, date_to: dt.date
) -> Statement:
    """The account's movements from `date_from` to `date_to` (business dates, inclusive) with
    running balances. Two queries: the opening sum, and the rows."""
    opening_sums = _lines(account).filter(date__lt=date_from).order_by().aggregate(
        debit=Sum("debit"), credit=Sum("credit"))
    opening = (opening_sums["credit"] or 0) - (opening_sums["debit"] or 0)
    rows = []
    balance = opening
    for line in (
        _lines(account).filter(date__gte=date_from, date__lte=date_to)
        .select_related("entry").order_by("date", "entry__number", "line_no")
    ):
        balance += line.credit - line.debit
        rows.append(StatementRow(
            date=line.date, entry_number=line.entry.number, description=line.entry.description,
            memo=line.memo, debit=line.debit, credit=line.credit, balance=balance,
        ))
    return Statement(account=account, date_from=date_from, date_to=date_to, opening=opening,
                     rows=rows)
