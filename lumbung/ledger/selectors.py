"""Reads of the books, always for one cooperative given explicitly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from lumbung.core.errors import LumbungError
from lumbung.ledger.calculations import net_balance
from lumbung.ledger.models import (
    Account,
    AccountBalance,
    JournalEntry,
    JournalLine,
    SubledgerBalance,
)
from lumbung.tenancy.models import Cooperative


@dataclass(frozen=True)
class TrialBalanceLine:
    account: str
    name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class TrialBalance:
    cooperative: str
    as_of: dt.date
    lines: list[TrialBalanceLine]

    @property
    def total_debit(self) -> int:
        return sum(line.debit for line in self.lines)

    @property
    def total_credit(self) -> int:
        return sum(line.credit for line in self.lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "cooperative": self.cooperative,
            "as_of": self.as_of.isoformat(),
            "lines": [
                {"account": x.account, "name": x.name, "debit": x.debit, "credit": x.credit}
                for x in self.lines
            ],
            "total_debit": self.total_debit,
            "total_credit": self.total_credit,
        }


def trial_balance(*, cooperative: Cooperative, as_of: dt.date) -> TrialBalance:
    """Net balance of every account with postings up to `as_of` (business dates, inclusive).

    Starts from the materialized balances (one row per account) and takes away the lines dated
    after `as_of`, so the usual question, "as of today", reads no journal line at all.
    """
    rows = list(
        AccountBalance.objects.filter(cooperative=cooperative)
        .select_related("account")
        .order_by("account__code")
    )
    later: dict[int, tuple[int, int]] = {}
    latest = max((row.last_date for row in rows if row.last_date), default=None)
    if latest is not None and latest > as_of:
        later = {
            row["account_id"]: (row["debit"], row["credit"])
            # order_by() drops the default ordering, whose join to the entries costs more than
            # the sum itself.
            for row in JournalLine.objects.filter(cooperative=cooperative, date__gt=as_of)
            .order_by()
            .values("account_id")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
        }
    lines = []
    for row in rows:
        later_debit, later_credit = later.get(row.account_id, (0, 0))
        debit, credit = row.debit - later_debit, row.credit - later_credit
        if debit == credit:
            continue
        net_debit, net_credit = net_balance(debit, credit)
        lines.append(TrialBalanceLine(row.account.code, row.account.name, net_debit, net_credit))
    return TrialBalance(cooperative=cooperative.code, as_of=as_of, lines=lines)


def accounts_with_balances(*, cooperative: Cooperative) -> QuerySet[Account]:
    return (
        Account.objects.filter(cooperative=cooperative)
        .select_related("balance")
        .order_by("code")
    )


def journal_entries(*, cooperative: Cooperative) -> QuerySet[JournalEntry]:
    return (
        JournalEntry.objects.filter(cooperative=cooperative)
        .select_related("maker", "approved_by", "reverses", "reversed_by")
        .order_by("-number")
    )


def journal_entry(*, cooperative: Cooperative, number: int) -> JournalEntry | None:
    return (
        JournalEntry.objects.filter(cooperative=cooperative, number=number)
        .select_related("maker", "approved_by", "reverses", "reversed_by", "cooperative")
        .first()
    )


def account_codes_by_purpose(
    *, cooperative: Cooperative, purposes: Iterable[str]
) -> dict[str, str]:
    """purpose → account code for the cooperative's chart (one query). Raises
    LEDGER_UNKNOWN_ACCOUNT naming the first purpose the chart lacks."""
    wanted = set(purposes)
    codes = dict(
        Account.objects.filter(cooperative=cooperative, purpose__in=wanted)
        .values_list("purpose", "code")
    )
    missing = sorted(wanted - codes.keys())
    if missing:
        raise LumbungError("LEDGER_UNKNOWN_ACCOUNT", account=missing[0])
    return codes


def subledger_balances(*, cooperative: Cooperative, account_code: str,
                       refs: Iterable[str]) -> dict[str, int]:
    """Net debit balance (debit − credit, sen) of each sub-ledger ref on one control account."""
    rows = SubledgerBalance.objects.filter(
        cooperative=cooperative, account__code=account_code, ref__in=list(refs)
    ).values_list("ref", "debit", "credit")
    return {ref: debit - credit for ref, debit, credit in rows}
