"""A member's exit (keluar): savings paid back net of what they still owe, accounts closed.

Other apps say what a leaving member owes through providers registered here (loans registers
the outstanding loans), so savings never imports them:

    @exit_obligation("loans")
    def loan_obligations(*, cooperative, member) -> list[ExitObligation]: ...

Each obligation carries the lines that settle it (e.g. a credit to the loan receivable with
"loan:<pk>"); the exit posts one entry: debit every savings account of the member, credit the
obligations' lines, and the remainder to the counterpart (cash or the teller's drawer).
Providers run inside the exit's transaction after the savings accounts are locked, so they
lock their own rows (loans) after savings, in the project's lock order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount
from lumbung.savings.services import (
    SOURCE,
    Counterpart,
    _balance,
    _check_tenant,
    _close,
    _earlier,
    savings_lines,
    savings_lock,
)
from lumbung.tenancy.models import Cooperative


@dataclass(frozen=True)
class ExitObligation:
    """Something a leaving member still owes: `amount` sen, settled by `lines` (credits that
    sum to `amount`)."""

    description: str
    amount: int
    lines: list[LineSpec] = field(default_factory=list)


ExitProvider = Callable[..., list[ExitObligation]]
EXIT_OBLIGATIONS: dict[str, ExitProvider] = {}


def exit_obligation(name: str) -> Callable[[ExitProvider], ExitProvider]:
    """Register a provider `provider(*, cooperative, member) -> list[ExitObligation]`."""

    def register(function: ExitProvider) -> ExitProvider:
        EXIT_OBLIGATIONS[name] = function
        return function

    return register


def exit_obligations(*, cooperative: Cooperative, member: Member) -> list[ExitObligation]:
    """Everything the member owes, from every registered provider."""
    obligations: list[ExitObligation] = []
    for provider in EXIT_OBLIGATIONS.values():
        for obligation in provider(cooperative=cooperative, member=member):
            if sum(line.credit - line.debit for line in obligation.lines) != obligation.amount:
                raise ValueError(f"exit obligation lines do not settle {obligation.description}")
            obligations.append(obligation)
    return obligations


@dataclass
class ExitSettlement:
    """What the exit paid: savings taken back, obligations settled, the remainder paid out."""

    member: Member
    entry: JournalEntry | None
    savings: int
    obligations: list[ExitObligation]
    paid_out: int


def member_exit(
    *,
    cooperative: Cooperative,
    member: Member,
    counterpart: Counterpart,
    acting_user: Any,
    idempotency_key: str | None,
) -> ExitSettlement:
    """Pay back all of a member's savings (pokok, wajib, sukarela, berjangka: no early
    penalty on an exit) net of the registered obligations, close every account and mark the
    member keluar. History stays. Raises SAVINGS_MEMBER_EXITED, SAVINGS_NOT_CANDIDATE (a calon
    anggota has nothing to settle), SAVINGS_EXIT_SHORTFALL. Locks the member, their savings
    accounts, then whatever the providers lock, then the ledger head."""
    _check_tenant(cooperative, member)
    with transaction.atomic():
        locked_member = Member.objects.select_for_update().get(pk=member.pk)
        earlier = _earlier(cooperative, idempotency_key)
        if locked_member.status == Member.Status.EXITED:
            if isinstance(earlier, JournalEntry):
                member.refresh_from_db()
                return ExitSettlement(member, earlier, earlier.total, [], 0)
            raise LumbungError("SAVINGS_MEMBER_EXITED", member=locked_member.name)
        if locked_member.status == Member.Status.CANDIDATE:
            raise LumbungError("SAVINGS_NOT_CANDIDATE", member=locked_member.name)
        accounts = savings_lock(
            SavingsAccount.objects.filter(cooperative=cooperative, member=locked_member)
            .exclude(status=SavingsAccount.Status.CLOSED)
        )
        balances = {account.pk: _balance(account) for account in accounts}
        savings = sum(balances.values())
        obligations = exit_obligations(cooperative=cooperative, member=locked_member)
        owed = sum(obligation.amount for obligation in obligations)
        if owed > savings:
            raise LumbungError("SAVINGS_EXIT_SHORTFALL", member=locked_member.name,
                               savings=format_rupiah(savings), obligations=format_rupiah(owed))
        lines = [savings_lines(account, debit=balances[account.pk], memo="Pengembalian simpanan")
                 for account in accounts if balances[account.pk] > 0]
        for obligation in obligations:
            lines += obligation.lines
        paid_out = savings - owed
        if paid_out:
            lines.append(LineSpec(counterpart.account_code, credit=paid_out,
                                  subledger_ref=counterpart.subledger_ref))
        entry = None
        if savings:
            entry = journal_entry_post(
                cooperative=cooperative, lines=lines,
                description=f"Anggota keluar: {locked_member.name} (No. {locked_member.number})",
                source=SOURCE, idempotency_key=idempotency_key, acting_user=acting_user,
            )
        day = cooperative.business_date
        for account in accounts:
            _close(account, day)
        locked_member.status = Member.Status.EXITED
        locked_member.exited_on = day
        locked_member.save(update_fields=["status", "exited_on"])
        audit_record(
            action="savings.member.exited", acting_user=acting_user, cooperative=cooperative,
            obj=locked_member,
            data={"savings": savings, "obligations": owed, "paid_out": paid_out,
                  "entry": entry.number if entry else None},
        )
    member.refresh_from_db()
    return ExitSettlement(member, entry, savings, obligations, paid_out)
