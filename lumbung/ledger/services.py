"""Every write to the books goes through these functions.

Posting path of a rupiah (journal_entry_post):
  validate lines (balanced, integer sen, known postable accounts)
  -> check the maker's limit (maker-checker)
  -> transaction: lock the cooperative's LedgerHead (the only lock taken), reading the business
     date and the last closed day with it
  -> a retry with the same idempotency key returns the first entry
  -> refuse future dates, unpermitted back-dates, closed periods
  -> _write_entry: number = last + 1, hash over the canonical encoding (calculations.py),
     insert entry and lines, add to AccountBalance / SubledgerBalance, move the head
  -> audit row for the unusual ones (back-dated, approved, reversals) -> commit.
The statements themselves are in posting.py; the database re-checks the rules (sql/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import MAX_AMOUNT_SEN, format_rupiah
from lumbung.ledger import calculations, posting
from lumbung.ledger.models import (
    Account,
    AccountBalance,
    AccountingPeriod,
    AccountType,
    ApprovalRequest,
    Checkpoint,
    JournalEntry,
    JournalLine,
    LedgerHead,
    NormalBalance,
)
from lumbung.tenancy.models import Cooperative, CooperativeStaff, RoleLimit

COA_DIR = Path(__file__).parent / "coa"
TYPE_BY_FIRST_DIGIT = {
    "1": AccountType.ASSET,
    "2": AccountType.LIABILITY,
    "3": AccountType.EQUITY,
    "4": AccountType.INCOME,
    "5": AccountType.EXPENSE,
    "6": AccountType.EXPENSE,
}
DEBIT_NORMAL_TYPES = {AccountType.ASSET, AccountType.EXPENSE}


@dataclass(frozen=True)
class LineSpec:
    """One line to post. Amounts in sen; exactly one of debit and credit is above zero."""

    account: str
    debit: int = 0
    credit: int = 0
    member_id: int | None = None
    subledger_ref: str = ""
    memo: str = ""


# ---------------------------------------------------------------- chart of accounts


@cache
def coa_template(name: str) -> dict[str, Any]:
    with open(COA_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        template: dict[str, Any] = yaml.safe_load(handle)
    return template


def coa_template_name(cooperative: Cooperative) -> str:
    return "sharia" if cooperative.is_sharia else "ksp"


def _normal_balance(account_type: str, contra: bool) -> str:
    debit_normal = account_type in DEBIT_NORMAL_TYPES
    if contra:
        debit_normal = not debit_normal
    return NormalBalance.DEBIT if debit_normal else NormalBalance.CREDIT


TemplateRow = tuple[str, str, dict[str, Any]]  # code, name, options


def _template_rows(cooperative: Cooperative) -> tuple[str, list[TemplateRow]]:
    template = coa_template(coa_template_name(cooperative))
    rows = [(str(r[0]), str(r[1]), r[2] if len(r) > 2 else {}) for r in template["accounts"]]
    return template["version"], rows


def _accounts_from_template(
    cooperative: Cooperative, existing: dict[str, Account]
) -> list[Account]:
    """Create the template's accounts that `existing` (code → account) lacks; return the new."""
    _version, rows = _template_rows(cooperative)
    accounts = dict(existing)
    new: list[Account] = []
    for code, name, options in rows:
        if code in accounts:
            continue
        parent_code = max(
            (c for c in accounts if code.startswith(c) and c != code), key=len, default=None
        )
        account_type = TYPE_BY_FIRST_DIGIT[code[0]]
        accounts[code] = Account.objects.create(
            cooperative=cooperative,
            code=code,
            name=name,
            type=account_type,
            normal_balance=_normal_balance(account_type, options.get("contra", False)),
            parent=accounts[parent_code] if parent_code else None,
            is_heading=len(code) <= 2,
            is_control=options.get("control", False),
            purpose=options.get("purpose", ""),
        )
        new.append(accounts[code])
    AccountBalance.objects.bulk_create(
        AccountBalance(account=account, cooperative=cooperative) for account in new
    )
    return new


def chart_of_accounts_create(*, cooperative: Cooperative, acting_user: Any) -> list[Account]:
    """Create a newly registered cooperative's chart from its template, with zero balances."""
    created = _accounts_from_template(cooperative, {})
    LedgerHead.objects.get_or_create(cooperative=cooperative)
    audit_record(
        action="ledger.chart.created",
        acting_user=acting_user,
        cooperative=cooperative,
        data={"template": _template_rows(cooperative)[0], "accounts": len(created)},
    )
    return created


def chart_of_accounts_sync(*, cooperative: Cooperative, acting_user: Any) -> list[str]:
    """Bring an existing chart up to its template's newest version: add the accounts it lacks and
    give purposes to accounts that have none (never renames, never moves a balance). Returns the
    codes touched; runs after every `migrate`, so a new release's accounts reach old books."""
    version, rows = _template_rows(cooperative)
    with transaction.atomic():
        existing = {a.code: a for a in Account.objects.filter(cooperative=cooperative)}
        touched = [account.code for account in _accounts_from_template(cooperative, existing)]
        used = {a.purpose for a in existing.values() if a.purpose}
        for code, _name, options in rows:
            account = existing.get(code)
            purpose = options.get("purpose", "")
            if account is None or account.purpose or not purpose or purpose in used:
                continue
            account.purpose = purpose
            account.is_control = account.is_control or options.get("control", False)
            account.save(update_fields=["purpose", "is_control"])
            touched.append(code)
        if touched:
            audit_record(
                action="ledger.chart.synced",
                acting_user=acting_user,
                cooperative=cooperative,
                data={"template": version, "accounts": touched},
            )
    return touched


def account_create(
    *,
    cooperative: Cooperative,
    code: str,
    name: str,
    parent_code: str,
    is_control: bool = False,
    contra: bool = False,
    acting_user: Any,
) -> Account:
    """Add a detail account under a heading. Raises LEDGER_ACCOUNT_CODE_TAKEN, LEDGER_BAD_PARENT."""
    code = code.strip()
    if not code.isdigit() or len(code) < 3:
        raise LumbungError("BAD_INPUT", detail="kode akun harus angka, paling sedikit 3 digit")
    parent = Account.objects.filter(cooperative=cooperative, code=parent_code).first()
    if parent is None or not parent.is_heading or not code.startswith(parent.code):
        raise LumbungError("LEDGER_BAD_PARENT", account=parent_code)
    with transaction.atomic():
        try:
            account = Account.objects.create(
                cooperative=cooperative,
                code=code,
                name=name.strip(),
                type=parent.type,
                normal_balance=_normal_balance(parent.type, contra),
                parent=parent,
                is_control=is_control,
            )
        except IntegrityError as exc:
            raise LumbungError("LEDGER_ACCOUNT_CODE_TAKEN", account=code) from exc
        AccountBalance.objects.create(account=account, cooperative=cooperative)
        audit_record(
            action="ledger.account.created",
            acting_user=acting_user,
            cooperative=cooperative,
            obj=account,
            data={"code": code, "name": account.name},
        )
    return account


def account_delete(*, account: Account, acting_user: Any) -> None:
    """Delete an account that was never used. Raises LEDGER_ACCOUNT_IN_USE."""
    # Filtered by cooperative too, so the (cooperative, account, date) index answers it.
    used = JournalLine.objects.filter(cooperative_id=account.cooperative_id, account=account)
    if used.exists() or account.children.exists():
        raise LumbungError("LEDGER_ACCOUNT_IN_USE", account=account.code)
    with transaction.atomic():
        audit_record(
            action="ledger.account.deleted",
            acting_user=acting_user,
            cooperative=account.cooperative,
            data={"code": account.code, "name": account.name},
        )
        AccountBalance.objects.filter(account=account).delete()
        account.delete()


# ---------------------------------------------------------------- maker-checker


def role_limit(*, cooperative: Cooperative, user: Any, action: str) -> int:
    """The largest amount (sen) `user` may move alone for `action`: the best of their roles."""
    roles = CooperativeStaff.objects.filter(
        cooperative=cooperative, user=user, active=True
    ).values_list("role", flat=True)
    limits = RoleLimit.objects.filter(
        cooperative=cooperative, action=action, role__in=list(roles)
    ).values_list("max_amount", flat=True)
    return max(limits, default=0)


def check_maker_checker(
    *, cooperative: Cooperative, action: str, amount: int, maker: Any, approver: Any
) -> None:
    """Raise unless `maker` may move `amount` alone or `approver` (not the maker) may approve it."""
    maker_limit = role_limit(cooperative=cooperative, user=maker, action=action)
    if amount <= maker_limit:
        return
    if approver is None:
        raise LumbungError(
            "APPROVAL_REQUIRED", amount=format_rupiah(amount), limit=format_rupiah(maker_limit)
        )
    if approver.pk == maker.pk:
        raise LumbungError("APPROVAL_SELF")
    approver_limit = role_limit(cooperative=cooperative, user=approver, action=action)
    if amount > approver_limit:
        raise LumbungError(
            "APPROVAL_LIMIT", amount=format_rupiah(amount), limit=format_rupiah(approver_limit)
        )


# ---------------------------------------------------------------- posting


def _validate_lines(lines: Sequence[LineSpec]) -> int:
    """Check shapes and balance; return the entry total in sen."""
    if len(lines) < 2:
        raise LumbungError("LEDGER_TOO_FEW_LINES")
    total_debit = total_credit = 0
    for line in lines:
        for amount in (line.debit, line.credit):
            if (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0
                    or amount > MAX_AMOUNT_SEN):
                raise LumbungError("LEDGER_BAD_LINE_AMOUNT")
        if (line.debit > 0) == (line.credit > 0):
            raise LumbungError("LEDGER_BAD_LINE_AMOUNT")
        total_debit += line.debit
        total_credit += line.credit
    if total_debit != total_credit:
        raise LumbungError(
            "LEDGER_UNBALANCED",
            debit=format_rupiah(total_debit),
            credit=format_rupiah(total_credit),
        )
    return total_debit


def _resolve_accounts(
    cooperative: Cooperative,
    lines: Sequence[LineSpec],
    write: posting.LedgerWriter,
    *,
    subledgers_allowed: bool = True,
) -> dict[str, posting.AccountRow]:
    accounts = write.accounts_by_code(cooperative.pk, sorted({line.account for line in lines}))
    for line in lines:
        account = accounts.get(line.account)
        if account is None:
            raise LumbungError("LEDGER_UNKNOWN_ACCOUNT", account=line.account)
        if account.is_heading:
            raise LumbungError("LEDGER_ACCOUNT_NOT_POSTABLE", account=line.account)
        if not account.active:
            raise LumbungError("LEDGER_ACCOUNT_INACTIVE", account=line.account)
        touches_subledger = account.is_control or line.subledger_ref or line.member_id
        if touches_subledger and not subledgers_allowed:
            raise LumbungError("LEDGER_MANUAL_SUBLEDGER", account=line.account)
        if account.is_control and not line.subledger_ref:
            raise LumbungError(
                "BAD_INPUT", detail=f"akun kontrol {line.account} memerlukan rujukan buku pembantu"
            )
    return accounts


def _same_content(entry: JournalEntry, lines: Sequence[LineSpec]) -> bool:
    stored = [
        (line.account.code, line.debit, line.credit, line.subledger_ref)
        for line in entry.lines.select_related("account").order_by("line_no")
    ]
    return stored == [(x.account, x.debit, x.credit, x.subledger_ref) for x in lines]


def _existing_for_key(
    cooperative: Cooperative, key: str | None, lines: Sequence[LineSpec],
    write: posting.LedgerWriter,
) -> JournalEntry | None:
    if key is None:
        return None
    entry_id = write.entry_id_for_key(cooperative.pk, key)
    if entry_id is None:
        return None
    entry = JournalEntry.objects.get(pk=entry_id)
    if not _same_content(entry, lines):
        raise LumbungError("LEDGER_IDEMPOTENCY_CONFLICT", key=key)
    return entry


def _check_posting_date(
    day: dt.date, business_date: dt.date, allow_backdate: bool, closed_through: dt.date | None
) -> None:
    """Refuse a future date, an unpermitted back-date, and a day a closed period has settled.

    A closed month settles every day up to its end, also days of earlier months never closed
    themselves: posting there would change the closed month's balances.
    """
    if day > business_date:
        raise LumbungError("LEDGER_FUTURE_DATE", date=day, business_date=business_date)
    if day < business_date and not allow_backdate:
        raise LumbungError("LEDGER_BACKDATE_FORBIDDEN", date=day)
    if closed_through is not None and day <= closed_through:
        period = closed_through.strftime("%Y-%m")
        raise LumbungError("LEDGER_PERIOD_CLOSED", period=period, date=day)


def journal_entry_post(
    *,
    cooperative: Cooperative,
    lines: Sequence[LineSpec],
    description: str,
    date: dt.date | None = None,
    source: str = "manual",
    idempotency_key: str | None = None,
    limit_action: str | None = None,
    approved_by: Any = None,
    allow_backdate: bool = False,
    reverses: JournalEntry | None = None,
    acting_user: Any,
) -> JournalEntry:
    """Post a balanced entry and return it; a retry with the same idempotency key returns the first.

    `limit_action` turns on maker-checker: above the maker's limit for that action the entry
    needs `approved_by`. Back-dating (a date before the business date) needs `allow_backdate`,
    which the caller grants only to roles with that permission; it is audited.
    Raises LumbungError. Locks the cooperative's LedgerHead row until the outermost commit.

    A building block: outer services (a teller deposit, an approval) wrap it in their own
    durable transaction together with their other writes; called alone it commits by itself.
    """
    description = description.strip()
    if not description:
        raise LumbungError("LEDGER_DESCRIPTION_REQUIRED")
    total = _validate_lines(lines)
    with posting.writer() as write:
        accounts = _resolve_accounts(cooperative, lines, write)
        if limit_action is not None:
            check_maker_checker(
                cooperative=cooperative,
                action=limit_action,
                amount=total,
                maker=acting_user,
                approver=approved_by,
            )
        maker = acting_user if getattr(acting_user, "is_authenticated", False) else None

        # No savepoint when nested (two round trips saved per posting): refusals are decided
        # before the first write and raised only after the block has exited normally, so a
        # refusal never poisons the caller's transaction; a database error must abort it anyway.
        refusal: LumbungError | None = None
        with transaction.atomic(savepoint=False):
            head = write.lock_head(cooperative.pk)
            try:
                existing = _existing_for_key(cooperative, idempotency_key, lines, write)
                business_date = head.business_date
                day = date or business_date
                if existing is None:
                    _check_posting_date(day, business_date, allow_backdate, head.closed_through)
                    if reverses is not None and write.is_reversed(reverses.pk):
                        raise LumbungError("LEDGER_ALREADY_REVERSED", number=reverses.number)
            except LumbungError as error:
                refusal = error
            if refusal is None and existing is None:
                entry = _write_entry(
                    write,
                    cooperative=cooperative,
                    head=head,
                    day=day,
                    description=description,
                    source=source,
                    idempotency_key=idempotency_key,
                    reverses=reverses,
                    maker=maker,
                    approved_by=approved_by,
                    total=total,
                    lines=lines,
                    accounts=accounts,
                )
                if day < business_date or approved_by is not None or reverses is not None:
                    # Ordinary postings are their own audit trail (hash-chained); the unusual
                    # ones (back-dated, approved, reversals) also get an audit row.
                    audit_record(
                        action="ledger.entry.posted",
                        acting_user=acting_user,
                        cooperative=cooperative,
                        obj=entry,
                        data={
                            "number": entry.number,
                            "date": day.isoformat(),
                            "business_date": business_date.isoformat(),
                            "total": total,
                            "approved_by": approved_by.pk if approved_by else None,
                            "reverses": reverses.number if reverses else None,
                        },
                    )
    if refusal is not None:
        raise refusal
    return existing or entry


def _write_entry(
    write: posting.LedgerWriter,
    *,
    cooperative: Cooperative,
    head: posting.HeadState,
    day: dt.date,
    description: str,
    source: str,
    idempotency_key: str | None,
    reverses: JournalEntry | None,
    maker: Any,
    approved_by: Any,
    total: int,
    lines: Sequence[LineSpec],
    accounts: dict[str, posting.AccountRow],
) -> JournalEntry:
    """Number, hash and write one checked entry under the locked head; move the balances."""
    number = head.last_number + 1
    entry_hash = calculations.entry_hash(
        calculations.HashedEntry(
            cooperative_code=cooperative.code,
            number=number,
            date=day,
            description=description,
            source=source,
            reverses_number=reverses.number if reverses else None,
            maker_id=maker.pk if maker else None,
            approved_by_id=approved_by.pk if approved_by else None,
            total=total,
            prev_hash=head.last_hash,
            lines=[
                calculations.HashedLine(
                    line_no=i,
                    account_code=line.account,
                    debit=line.debit,
                    credit=line.credit,
                    member_id=line.member_id,
                    subledger_ref=line.subledger_ref,
                    memo=line.memo,
                )
                for i, line in enumerate(lines, start=1)
            ],
        )
    )
    values = {
        "cooperative_id": cooperative.pk,
        "number": number,
        "date": day,
        "description": description,
        "source": source,
        "idempotency_key": idempotency_key,
        "reverses_id": reverses.pk if reverses else None,
        "maker_id": maker.pk if maker else None,
        "approved_by_id": approved_by.pk if approved_by else None,
        "total": total,
        "line_count": len(lines),
        "prev_hash": head.last_hash,
        "hash": entry_hash,
    }
    per_account: dict[int, tuple[int, int]] = {}
    per_subledger: dict[tuple[int, str], tuple[int, int]] = {}
    for line in lines:
        account_id = accounts[line.account].id
        debit, credit = per_account.get(account_id, (0, 0))
        per_account[account_id] = (debit + line.debit, credit + line.credit)
        if line.subledger_ref:
            key = (account_id, line.subledger_ref)
            debit, credit = per_subledger.get(key, (0, 0))
            per_subledger[key] = (debit + line.debit, credit + line.credit)
    with write.batch():
        posted_at = write.insert_entry(values)
        write.insert_lines(cooperative.pk, number, [
            (i, accounts[line.account].id, line.debit, line.credit, day, line.member_id,
             line.subledger_ref, line.memo)
            for i, line in enumerate(lines, start=1)
        ])
        write.add_to_balances(cooperative.pk, per_account, per_subledger, day)
        write.move_head(cooperative.pk, number, entry_hash)

    entry = JournalEntry(id=write.inserted_entry_id(), posted_at=posted_at, **values)
    entry._state.adding = False
    entry._state.db = "default"
    entry.cooperative = cooperative
    return entry


def journal_entry_reverse(
    *,
    entry: JournalEntry,
    description: str = "",
    idempotency_key: str | None = None,
    limit_action: str | None = None,
    approved_by: Any = None,
    acting_user: Any,
) -> JournalEntry:
    """Post the mirror image of `entry` on the business date.

    `limit_action`/`approved_by` are journal_entry_post's maker-checker; people reverse through
    `reversal_submit`, which sets them. Raises LEDGER_ALREADY_REVERSED,
    LEDGER_CANNOT_REVERSE_REVERSAL, APPROVAL_REQUIRED.
    """
    if entry.reverses_id is not None:
        raise LumbungError("LEDGER_CANNOT_REVERSE_REVERSAL")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise LumbungError("LEDGER_ALREADY_REVERSED", number=entry.number)
    mirror = [
        LineSpec(
            account=line.account.code,
            debit=line.credit,
            credit=line.debit,
            member_id=line.member_id,
            subledger_ref=line.subledger_ref,
            memo=line.memo,
        )
        for line in entry.lines.select_related("account").order_by("line_no")
    ]
    return journal_entry_post(
        cooperative=entry.cooperative,
        lines=mirror,
        description=description or f"Pembalikan jurnal #{entry.number}: {entry.description}",
        source="reversal",
        idempotency_key=idempotency_key,
        reverses=entry,
        limit_action=limit_action,
        approved_by=approved_by,
        acting_user=acting_user,
    )


# ---------------------------------------------------------------- periods


def _month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def period_close(*, cooperative: Cooperative, month: dt.date, acting_user: Any) -> AccountingPeriod:
    """Close and lock the month containing `month`. Months close in order and only once ended."""
    start, end = _month_bounds(month)
    label = start.strftime("%Y-%m")
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        # The posting lock: a posting into this month either commits before the close or sees
        # the month closed.
        LedgerHead.objects.select_for_update().get(cooperative=cooperative)
        if end >= cooperative.business_date:
            raise LumbungError(
                "LEDGER_PERIOD_NOT_ENDED", period=label, business_date=cooperative.business_date
            )
        earlier_entries = JournalEntry.objects.filter(cooperative=cooperative, date__lt=start)
        previous_start, _ = _month_bounds(start - dt.timedelta(days=1))
        previous_closed = AccountingPeriod.objects.filter(
            cooperative=cooperative, start_date=previous_start, closed_at__isnull=False
        ).exists()
        if earlier_entries.exists() and not previous_closed:
            raise LumbungError("LEDGER_PERIOD_ORDER", period=label)
        period, _ = AccountingPeriod.objects.get_or_create(
            cooperative=cooperative, start_date=start, defaults={"end_date": end}
        )
        if period.closed_at is None:
            period.closed_at = timezone.now()
            period.closed_by = acting_user
            period.save(update_fields=["closed_at", "closed_by"])
            audit_record(
                action="ledger.period.closed",
                acting_user=acting_user,
                cooperative=cooperative,
                obj=period,
                data={"period": label},
            )
    return period


def period_reopen(
    *, cooperative: Cooperative, month: dt.date, reason: str, acting_user: Any
) -> AccountingPeriod:
    """Open the latest closed month again (the caller has checked it is the board's decision).

    Only the latest closed month, so every earlier month stays settled; audited with the reason.
    Raises LumbungError(LEDGER_PERIOD_NOT_CLOSED, LEDGER_PERIOD_NOT_LATEST, BAD_INPUT).
    """
    start, _end = _month_bounds(month)
    label = start.strftime("%Y-%m")
    reason = reason.strip()
    if not reason:
        raise LumbungError("BAD_INPUT", detail="alasan pembukaan kembali wajib diisi")
    with transaction.atomic():
        LedgerHead.objects.select_for_update().get(cooperative=cooperative)
        period = AccountingPeriod.objects.filter(
            cooperative=cooperative, start_date=start, closed_at__isnull=False
        ).first()
        if period is None:
            raise LumbungError("LEDGER_PERIOD_NOT_CLOSED", period=label)
        if AccountingPeriod.objects.filter(
            cooperative=cooperative, start_date__gt=start, closed_at__isnull=False
        ).exists():
            raise LumbungError("LEDGER_PERIOD_NOT_LATEST", period=label)
        period.closed_at = None
        period.closed_by = None
        period.reopen_count += 1
        period.save(update_fields=["closed_at", "closed_by", "reopen_count"])
        audit_record(
            action="ledger.period.reopened",
            acting_user=acting_user,
            cooperative=cooperative,
            obj=period,
            data={"period": label, "reason": reason[:300], "reopen_count": period.reopen_count},
        )
    return period


# ---------------------------------------------------------------- checkpoints


def checkpoint_create(*, cooperative: Cooperative, date: dt.date, acting_user: Any) -> Checkpoint:
    """Seal the entries numbered since the previous checkpoint; idempotent per date."""
    with transaction.atomic():
        head = LedgerHead.objects.select_for_update().get(cooperative=cooperative)
        existing = Checkpoint.objects.filter(cooperative=cooperative, date=date).first()
        if existing is not None:
            return existing
        previous = Checkpoint.objects.filter(cooperative=cooperative).order_by("-date").first()
        first_number = (previous.last_number if previous else 0) + 1
        hashes = list(
            JournalEntry.objects.filter(
                cooperative=cooperative, number__gte=first_number, number__lte=head.last_number
            )
            .order_by("number")
            .values_list("hash", flat=True)
        )
        checkpoint = Checkpoint.objects.create(
            cooperative=cooperative,
            date=date,
            first_number=first_number,
            last_number=head.last_number,
            entry_count=len(hashes),
            chain_head=head.last_hash,
            merkle_root=calculations.merkle_root(hashes),
        )
        audit_record(
            action="ledger.checkpoint.created",
            acting_user=acting_user,
            cooperative=cooperative,
            obj=checkpoint,
            data={"date": date.isoformat(), "last_number": head.last_number},
        )
    return checkpoint


# ---------------------------------------------------------------- approvals

# A handler returns the entry it posted, or None for a decision that moves no money.
ApprovalHandler = Callable[[ApprovalRequest, Any], JournalEntry | None]
APPROVAL_HANDLERS: dict[str, ApprovalHandler] = {}


def approval_handler(kind: str) -> Callable[[ApprovalHandler], ApprovalHandler]:
    """Register what happens when a request of `kind` is approved (later apps add theirs)."""

    def register(function: ApprovalHandler) -> ApprovalHandler:
        APPROVAL_HANDLERS[kind] = function
        return function

    return register


MANUAL_ENTRY_ACTION = "ledger.manual_entry"
REVERSAL_ACTION = "ledger.reversal"
MAX_DESCRIPTION = 300
MAX_IDEMPOTENCY_KEY = 100


def _check_lengths(description: str, idempotency_key: str | None) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise LumbungError("BAD_INPUT", detail=f"keterangan lebih dari {MAX_DESCRIPTION} huruf")
    if idempotency_key is not None and len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise LumbungError(
            "BAD_INPUT", detail=f"kunci idempotensi lebih dari {MAX_IDEMPOTENCY_KEY} huruf"
        )


def _pending_for_key(
    cooperative: Cooperative, key: str | None, same_request: Callable[[ApprovalRequest], bool]
) -> ApprovalRequest | None:
    """The request an earlier call with this key created; a different one under it is refused."""
    if key is None:
        return None
    request = ApprovalRequest.objects.filter(cooperative=cooperative, idempotency_key=key).first()
    if request is not None and not same_request(request):
        raise LumbungError("LEDGER_IDEMPOTENCY_CONFLICT", key=key)
    return request


def approval_request_create(
    *,
    cooperative: Cooperative,
    kind: str,
    amount: int,
    description: str,
    payload: dict[str, Any],
    idempotency_key: str | None,
    acting_user: Any,
) -> ApprovalRequest:
    """Queue a request of `kind` for a second person, who approves it on the approvals screen
    (the handler registered with approval_handler carries it out). One durable transaction with
    its audit row; a retry with the same idempotency key returns the first request."""
    try:
        with transaction.atomic(durable=True):
            request = ApprovalRequest.objects.create(
                cooperative=cooperative,
                kind=kind,
                amount=amount,
                description=description,
                maker=acting_user,
                payload=payload,
                idempotency_key=idempotency_key,
            )
            audit_record(
                action="ledger.approval.requested",
                acting_user=acting_user,
                cooperative=cooperative,
                obj=request,
                data={"amount": amount, "kind": kind},
            )
    except IntegrityError:
        # A simultaneous retry with the same key got there first; this call returns its request.
        return ApprovalRequest.objects.get(cooperative=cooperative, idempotency_key=idempotency_key)
    return request


# The earlier private name, kept for branches written against it.
_approval_request_create = approval_request_create


def _lines_payload(lines: Sequence[LineSpec]) -> list[dict[str, Any]]:
    return [{"account": x.account, "debit": x.debit, "credit": x.credit, "memo": x.memo}
            for x in lines]


def manual_entry_submit(
    *,
    cooperative: Cooperative,
    lines: Sequence[LineSpec],
    description: str,
    date: dt.date | None = None,
    allow_backdate: bool = False,
    idempotency_key: str | None = None,
    acting_user: Any,
) -> JournalEntry | ApprovalRequest:
    """A manual journal entry: posted at once within the maker's limit, else queued for approval.

    Manual entries never touch sub-ledgers (member savings, loans): those move only through
    their own services, so a control account or a sub-ledger reference is refused here.
    The date is checked now too, so a request that could never be posted is not queued; a
    request dated on the day it is made posts on the business day it is approved.
    With an idempotency key, a retry returns the entry or the pending request of the first call.
    """
    description = description.strip()
    total = _validate_lines(lines)
    if not description:
        raise LumbungError("LEDGER_DESCRIPTION_REQUIRED")
    _check_lengths(description, idempotency_key)
    business_date = Cooperative.objects.values_list("business_date", flat=True).get(
        pk=cooperative.pk
    )
    with posting.writer() as write:
        _resolve_accounts(cooperative, lines, write, subledgers_allowed=False)
        _check_posting_date(
            date or business_date, business_date, allow_backdate,
            write.closed_through(cooperative.pk),
        )
        earlier: JournalEntry | ApprovalRequest | None = _existing_for_key(
            cooperative, idempotency_key, lines, write
        ) or _pending_for_key(
            cooperative, idempotency_key,
            lambda request: request.payload.get("lines") == _lines_payload(lines),
        )
    if earlier is not None:
        return earlier
    if total <= role_limit(cooperative=cooperative, user=acting_user, action=MANUAL_ENTRY_ACTION):
        with transaction.atomic(durable=True):
            return journal_entry_post(
                cooperative=cooperative,
                lines=lines,
                description=description,
                date=date,
                source="manual",
                idempotency_key=idempotency_key,
                limit_action=MANUAL_ENTRY_ACTION,
                allow_backdate=allow_backdate,
                acting_user=acting_user,
            )
    stored_date = date if date is not None and date != business_date else None
    return approval_request_create(
        cooperative=cooperative,
        kind=MANUAL_ENTRY_ACTION,
        amount=total,
        description=description,
        payload={
            "date": stored_date.isoformat() if stored_date else None,
            "allow_backdate": allow_backdate,
            "lines": _lines_payload(lines),
        },
        idempotency_key=idempotency_key,
        acting_user=acting_user,
    )


@approval_handler(MANUAL_ENTRY_ACTION)
def _post_approved_manual_entry(request: ApprovalRequest, approver: Any) -> JournalEntry:
    payload = request.payload
    return journal_entry_post(
        cooperative=request.cooperative,
        lines=[LineSpec(**line) for line in payload["lines"]],
        description=request.description,
        date=dt.date.fromisoformat(payload["date"]) if payload["date"] else None,
        source="manual",
        idempotency_key=request.idempotency_key or f"approval:{request.pk}",
        limit_action=MANUAL_ENTRY_ACTION,
        approved_by=approver,
        allow_backdate=payload["allow_backdate"],
        acting_user=request.maker,
    )


def reversal_submit(*, entry: JournalEntry, acting_user: Any) -> JournalEntry | ApprovalRequest:
    """Reverse an entry at once within the person's limit, else queue it for approval.

    A reversal moves as much money as the entry it mirrors, so it needs the same second pair
    of eyes. Raises LEDGER_ALREADY_REVERSED, LEDGER_CANNOT_REVERSE_REVERSAL.
    """
    cooperative = entry.cooperative
    if entry.reverses_id is not None:
        raise LumbungError("LEDGER_CANNOT_REVERSE_REVERSAL")
    key = f"reversal:{entry.pk}"
    if entry.total <= role_limit(cooperative=cooperative, user=acting_user, action=REVERSAL_ACTION):
        with transaction.atomic(durable=True):
            return journal_entry_reverse(
                entry=entry, idempotency_key=key, limit_action=REVERSAL_ACTION,
                acting_user=acting_user,
            )
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise LumbungError("LEDGER_ALREADY_REVERSED", number=entry.number)
    pending = _pending_for_key(cooperative, key, lambda request: True)
    if pending is not None:
        return pending
    return approval_request_create(
        cooperative=cooperative,
        kind=REVERSAL_ACTION,
        amount=entry.total,
        description=f"Pembalikan jurnal #{entry.number}: {entry.description}"[:MAX_DESCRIPTION],
        payload={"entry_id": entry.pk, "number": entry.number},
        idempotency_key=key,
        acting_user=acting_user,
    )


@approval_handler(REVERSAL_ACTION)
def _post_approved_reversal(request: ApprovalRequest, approver: Any) -> JournalEntry:
    entry = JournalEntry.objects.get(
        pk=request.payload["entry_id"], cooperative=request.cooperative
    )
    return journal_entry_reverse(
        entry=entry, idempotency_key=request.idempotency_key, limit_action=REVERSAL_ACTION,
        approved_by=approver, acting_user=request.maker,
    )


def approval_decide(
    *, request: ApprovalRequest, approve: bool, reason: str = "", acting_user: Any
) -> ApprovalRequest:
    """Approve (and carry out, in the same transaction) or reject a pending request.

    The maker never approves their own but may withdraw it (reject); anyone else rejecting needs
    a role with a limit for the action in the request's cooperative (approving needs one that
    covers the amount). The back-dating permission is the maker's, kept with the request. Raises
    APPROVAL_SELF, APPROVAL_LIMIT, PERMISSION_DENIED, APPROVAL_NOT_PENDING and whatever the
    carried-out action raises (then nothing is written and it stays pending).
    Locks the request row, then whatever the handler locks.
    """
    with transaction.atomic(durable=True):
        request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ApprovalRequest.Status.PENDING:
            raise LumbungError("APPROVAL_NOT_PENDING")
        own = request.maker_id == acting_user.pk
        if approve and own:
            raise LumbungError("APPROVAL_SELF")
        limit = role_limit(cooperative=request.cooperative, user=acting_user, action=request.kind)
        if not approve and not own and limit <= 0:
            raise LumbungError("PERMISSION_DENIED")
        if approve:
            if request.amount > limit:
                raise LumbungError(
                    "APPROVAL_LIMIT",
                    amount=format_rupiah(request.amount),
                    limit=format_rupiah(limit),
                )
            request.entry = APPROVAL_HANDLERS[request.kind](request, acting_user)
        request.status = (
            ApprovalRequest.Status.APPROVED if approve else ApprovalRequest.Status.REJECTED
        )
        request.decided_by = acting_user
        request.decided_at = timezone.now()
        request.reason = reason[:300]
        request.save(update_fields=["status", "decided_by", "decided_at", "reason", "entry"])
        audit_record(
            action="ledger.approval.approved" if approve else "ledger.approval.rejected",
            acting_user=acting_user,
            cooperative=request.cooperative,
            obj=request,
            data={"amount": request.amount, "reason": reason},
        )
    return request
