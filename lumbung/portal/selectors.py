"""Reads of the member's app. Every read names the cooperative and the member explicitly.

A member's accounts are the sub-ledgers their ledger lines touch (savings:<id>, loan:<id>);
the feed is their lines on those sub-ledgers, in line-id order, so a client that remembers the
last id it saw can resume without losing or repeating anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from lumbung.core.money import format_rupiah
from lumbung.ledger.models import (
    AccountType,
    ApprovalRequest,
    JournalEntry,
    JournalLine,
    SubledgerBalance,
)
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount

FEED_PAGE = 50


def _signed_for_member(account_type: str, debit: int, credit: int) -> int:
    """The change seen by the member: + is money in their savings / more loan outstanding."""
    if account_type == AccountType.ASSET:
        return debit - credit
    return credit - debit


@dataclass(frozen=True)
class FeedItem:
    line_id: int
    entry_number: int
    date: str
    description: str
    account: str
    ref: str
    # Change in sen as the member sees it (see _signed_for_member).
    amount: int
    is_loan: bool
    account_id: int = 0

    @property
    def amount_text(self) -> str:
        """The size of the change in Rupiah, without its sign (the screen adds + or −)."""
        return format_rupiah(abs(self.amount))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.line_id, "entry": self.entry_number, "date": self.date,
            "description": self.description, "account": self.account, "ref": self.ref,
            "amount": self.amount, "amount_text": self.amount_text,
            "direction": "in" if self.amount > 0 else "out", "is_loan": self.is_loan,
        }


def _member_lines(cooperative_id: int, member_id: int) -> Any:
    return (
        JournalLine.objects.filter(cooperative_id=cooperative_id, member_id=member_id)
        .exclude(subledger_ref="")
    )


def feed_items(
    *, cooperative_id: int, member_id: int, after_id: int = 0, before_id: int | None = None,
    limit: int = FEED_PAGE,
) -> list[FeedItem]:
    """Postings to the member's accounts with line id > after_id, oldest first (newest first
    when paging back with before_id). One query."""
    lines = _member_lines(cooperative_id, member_id).filter(id__gt=after_id)
    order = "id"
    if before_id is not None:
        lines, order = lines.filter(id__lt=before_id), "-id"
    rows = lines.order_by(order).values_list(
        "id", "entry__number", "date", "entry__description", "account__name", "subledger_ref",
        "account__type", "debit", "credit", "account_id",
    )[:limit]
    return [
        FeedItem(line_id=pk, entry_number=number, date=day.isoformat(), description=text,
                 account=name, ref=ref, amount=_signed_for_member(kind, debit, credit),
                 is_loan=kind == AccountType.ASSET, account_id=account)
        for pk, number, day, text, name, ref, kind, debit, credit, account in rows
    ]


@dataclass(frozen=True)
class MemberAccount:
    ref: str
    name: str
    # Balance in sen as the member sees it: savings held, or loan outstanding.
    balance: int
    is_loan: bool


def member_ledger_accounts(*, cooperative_id: int, member_id: int) -> list[MemberAccount]:
    """Every sub-ledger the member's lines touch, with its current balance. Two queries."""
    # order_by() drops the lines' default ordering, which would otherwise join the entries
    # and make every line distinct.
    pairs = set(_member_lines(cooperative_id, member_id).order_by()
                .values_list("account_id", "subledger_ref").distinct())
    balances = (
        # Both keys of the (cooperative, account, ref) index, so a large cooperative's other
        # sub-ledgers are never scanned.
        SubledgerBalance.objects.filter(cooperative_id=cooperative_id,
                                        account_id__in={account for account, _ in pairs},
                                        ref__in={ref for _, ref in pairs})
        .values_list("ref", "account__name", "account__type", "debit", "credit")
        .order_by("account__code", "ref")
    )
    return [
        MemberAccount(ref=ref, name=name, balance=_signed_for_member(kind, debit, credit),
                      is_loan=kind == AccountType.ASSET)
        for ref, name, kind, debit, credit in balances
    ]


def subledger_balances(*, cooperative_id: int, refs: set[str],
                       account_ids: set[int] | None = None) -> dict[str, int]:
    """Current balance (as the member sees it) of each sub-ledger in `refs` (of `account_ids`,
    when given: the index is then used in full). One query."""
    rows = SubledgerBalance.objects.filter(cooperative_id=cooperative_id, ref__in=refs)
    if account_ids is not None:
        rows = rows.filter(account_id__in=account_ids)
    return {ref: _signed_for_member(kind, debit, credit) for ref, kind, debit, credit
            in rows.values_list("ref", "account__type", "debit", "credit")}


def pending_requests(*, cooperative_id: int, member_id: int) -> list[ApprovalRequest]:
    """Movements for this member that wait for a second person's approval: requests naming the
    member, or one of the member's savings accounts (savings withdrawals). Two queries."""
    account_ids = list(SavingsAccount.objects.filter(
        cooperative_id=cooperative_id, member_id=member_id).values_list("pk", flat=True))
    return list(ApprovalRequest.objects.filter(
        Q(payload__member_id=member_id) | Q(payload__account_id__in=account_ids),
        cooperative_id=cooperative_id, status=ApprovalRequest.Status.PENDING,
    ).order_by("-created_at")[:20])


def member_entry(*, cooperative_id: int, member_id: int, number: int) -> JournalEntry | None:
    """Entry `number` if it has a line of this member, else None (a 404 for the caller)."""
    entry = JournalEntry.objects.filter(cooperative_id=cooperative_id, number=number).first()
    if entry is None or not entry.lines.filter(member_id=member_id).exists():
        return None
    return entry


def member_by_number(*, cooperative_id: int, number: int) -> Member | None:
    return Member.objects.filter(cooperative_id=cooperative_id, number=number).first()
