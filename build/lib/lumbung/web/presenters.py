"""Shaping selector results for the screens (no queries here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lumbung.ledger.models import Account, ApprovalRequest, NormalBalance


@dataclass(frozen=True)
class ChartRow:
    account: Account
    depth: int
    # Net balance in sen on the account's normal side; a heading shows its subtree's sum.
    balance: int


def chart_rows(accounts: Iterable[Account]) -> list[ChartRow]:
    """The chart as a tree in code order, headings carrying the sum of their detail accounts.

    Expects accounts ordered by code with `balance` selected, so a parent (whose code is a
    prefix of its children's) always comes before its children.
    """
    ordered = list(accounts)
    depth: dict[int, int] = {}
    # Signed debit-minus-credit per account, then rolled up into every ancestor.
    net: dict[int, int] = {}
    for account in ordered:
        depth[account.pk] = depth.get(account.parent_id, -1) + 1 if account.parent_id else 0
        balance = getattr(account, "balance", None)
        net[account.pk] = (balance.debit - balance.credit) if balance is not None else 0
    by_id = {account.pk: account for account in ordered}
    for account in reversed(ordered):
        if account.parent_id in by_id:
            net[account.parent_id] += net[account.pk]
    rows = []
    for account in ordered:
        signed = net[account.pk]
        shown = signed if account.normal_balance == NormalBalance.DEBIT else -signed
        rows.append(ChartRow(account=account, depth=depth[account.pk], balance=shown))
    return rows


@dataclass(frozen=True)
class ApprovalLine:
    account: str
    name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class ApprovalRow:
    request: ApprovalRequest
    # Entry date asked for; None means "the business date when approved".
    date: str | None
    lines: list[ApprovalLine]


def approval_rows(
    pending: Iterable[ApprovalRequest], names: Mapping[str, str]
) -> list[ApprovalRow]:
    """Pending requests with the lines of their payload, account names looked up in `names`."""
    rows = []
    for request in pending:
        payload = request.payload
        lines = [
            ApprovalLine(
                account=line["account"],
                name=names.get(line["account"], ""),
                debit=int(line["debit"]),
                credit=int(line["credit"]),
            )
            for line in payload.get("lines", [])
        ]
        rows.append(ApprovalRow(request=request, date=payload.get("date"), lines=lines))
    return rows
