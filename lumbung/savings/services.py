"""Every write to members' savings: products, accounts, deposits, withdrawals, transfers,
admission of a member, and (exit.py) a member's exit.

Path of a rupiah (savings_withdraw): lock the savings account (savings_lock, pk order) -> a retry
with the same idempotency key returns the first entry or pending request -> check status, kind
and available balance from the locked row and the ledger's sub-ledger balance -> within the
maker's limit for "savings.withdrawal" post one balanced entry (journal_entry_post takes the
ledger head last), above it queue an ApprovalRequest that `_withdrawal_approved` carries out.

These services run in `transaction.atomic()` (not durable) so the teller's counter can compose
them with its own writes in one transaction; a caller that also locks a cash drawer locks the
savings accounts first (savings_lock), then the drawer (docs/pengembang.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import SEN_PER_RUPIAH, format_rupiah
from lumbung.ledger.models import Account, ApprovalRequest, JournalEntry, SubledgerBalance
from lumbung.ledger.services import (
    LineSpec,
    approval_handler,
    journal_entry_post,
    role_limit,
)
from lumbung.members.models import Member
from lumbung.savings.calculations import add_months, early_withdrawal_penalty
from lumbung.savings.models import (
    CONVENTIONAL_KINDS,
    EQUITY_KINDS,
    KIND_PREFIX,
    KIND_PURPOSE,
    ONE_PER_MEMBER_KINDS,
    SHARIA_KINDS,
    TIME_KINDS,
    InterestMethod,
    Kind,
    SavingsAccount,
    SavingsProduct,
    WajibDue,
)
from lumbung.tenancy.models import Cooperative

RULES_DIR = Path(__file__).parent / "rules"
WITHDRAWAL_ACTION = "savings.withdrawal"
SOURCE = "savings"


@dataclass(frozen=True)
class Counterpart:
    """The other side of a movement: a teller's drawer (cash_drawers account, "drawer:<pk>"),
    the vault (the `cash` account) or the bank (`bank`)."""

    account_code: str
    subledger_ref: str = ""


def counterpart_by_purpose(
    cooperative: Cooperative, purpose: str, subledger_ref: str = ""
) -> Counterpart:
    """The counterpart for the account with `purpose` in the cooperative's chart (cash, bank)."""
    code = Account.objects.values_list("code", flat=True).get(
        cooperative=cooperative, purpose=purpose
    )
    return Counterpart(code, subledger_ref)


# ---------------------------------------------------------------- products


@cache
def default_products() -> dict[str, Any]:
    with open(RULES_DIR / "products.yaml", encoding="utf-8") as handle:
        rules: dict[str, Any] = yaml.safe_load(handle)
    return rules


def kinds_for(cooperative: Cooperative) -> frozenset[str]:
    """The kinds a cooperative may offer: equity for all, then conventional or sharia."""
    return EQUITY_KINDS | (SHARIA_KINDS if cooperative.is_sharia else CONVENTIONAL_KINDS)


def _product_fields(row: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {key: row[key] for key in (
        "charge_on_admission", "interest_method", "dormant_after_months", "term_months",
        "interest_payout") if key in row}
    for key in ("fixed_amount", "minimum_balance", "minimum_opening"):
        if key in row:
            fields[key] = int(row[key]) * SEN_PER_RUPIAH
    for key in ("interest_rate", "nisbah", "penalty_rate"):
        if key in row:
            fields[key] = Decimal(str(row[key]))
    return fields


def savings_products_install(
    *, cooperative: Cooperative, acting_user: Any
) -> list[SavingsProduct]:
    """Install the default products of the cooperative's kind (rules/products.yaml) that it
    does not have yet (by code); return the new ones. Safe to run again."""
    rules = default_products()
    rows = rules["products"]["sharia" if cooperative.is_sharia else "conventional"]
    with transaction.atomic():
        existing = set(
            SavingsProduct.objects.filter(cooperative=cooperative).values_list("code", flat=True)
        )
        accounts = {
            a.purpose: a for a in Account.objects.filter(
                cooperative=cooperative, purpose__in=set(KIND_PURPOSE.values()))
        }
        created = [
            SavingsProduct.objects.create(
                cooperative=cooperative,
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                ledger_account=accounts[KIND_PURPOSE[Kind(row["kind"])]],
                rules_version=rules["version"],
                **_product_fields(row),
            )
            for row in rows
            if row["code"] not in existing
        ]
        if created:
            audit_record(
                action="savings.products.installed", acting_user=acting_user,
                cooperative=cooperative,
                data={"version": rules["version"], "products": [p.code for p in created]},
            )
    return created


EDITABLE_PRODUCT_FIELDS = (
    "name", "fixed_amount", "charge_on_admission", "minimum_balance", "minimum_opening",
    "interest_rate", "interest_method", "nisbah", "dormant_after_months", "term_months",
    "interest_payout", "penalty_rate", "active",
)


def savings_product_update(
    *, cooperative: Cooperative, product: SavingsProduct, acting_user: Any, **changes: Any
) -> SavingsProduct:
    """Change a product's terms (manager). The kind and control account never change; the
    changes apply from the next posting. Audited with the old and new values."""
    if product.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    unknown = set(changes) - set(EDITABLE_PRODUCT_FIELDS)
    if unknown:
        raise LumbungError("BAD_INPUT", detail=f"kolom tidak dikenal: {sorted(unknown)}")
    if product.kind == Kind.WADIAH and changes.get("interest_rate"):
        raise LumbungError("BAD_INPUT", detail="bonus wadiah tidak boleh dijanjikan di muka")
    if "interest_method" in changes and changes["interest_method"] not in InterestMethod.values:
        raise LumbungError("BAD_INPUT", detail="dasar bunga tidak dikenal")
    for key in ("fixed_amount", "minimum_balance", "minimum_opening", "dormant_after_months",
                "term_months"):
        if key in changes and (not isinstance(changes[key], int) or changes[key] < 0):
            raise LumbungError("BAD_INPUT", detail=f"{key} harus bilangan bulat tidak negatif")
    if "nisbah" in changes and not Decimal(0) <= Decimal(changes["nisbah"]) <= Decimal(100):
        raise LumbungError("BAD_INPUT", detail="nisbah antara 0 dan 100 persen")
    with transaction.atomic():
        product = SavingsProduct.objects.select_for_update().get(pk=product.pk)
        before = {key: str(getattr(product, key)) for key in changes}
        for key, value in changes.items():
            setattr(product, key, value)
        product.save(update_fields=list(changes))
        audit_record(
            action="savings.product.updated", acting_user=acting_user, cooperative=cooperative,
            obj=product,
            data={"before": before, "after": {k: str(v) for k, v in changes.items()}},
        )
    return product


def product_of_kind(cooperative: Cooperative, kind: str) -> SavingsProduct:
    """The cooperative's first active product of `kind`. Raises SAVINGS_PRODUCT_MISSING."""
    product = (
        SavingsProduct.objects.filter(cooperative=cooperative, kind=kind, active=True)
        .select_related("ledger_account").order_by("pk").first()
    )
    if product is None:
        raise LumbungError("SAVINGS_PRODUCT_MISSING", kind=Kind(kind).label)
    return product


# ---------------------------------------------------------------- building blocks


def savings_lines(
    account: SavingsAccount, *, debit: int = 0, credit: int = 0, memo: str = ""
) -> LineSpec:
    """One line on `account`: its product's control account, "savings:<pk>", its member."""
    return LineSpec(
        account.product.ledger_account.code,
        debit=debit,
        credit=credit,
        member_id=account.member_id,
        subledger_ref=account.subledger_ref,
        memo=memo,
    )


def savings_lock(accounts: Iterable[SavingsAccount]) -> list[SavingsAccount]:
    """Lock the accounts (SELECT ... FOR UPDATE, in pk order) and return them fresh, in pk
    order, with product, control account and member. Call inside a transaction, before any
    other lock the movement takes (a drawer, the ledger head)."""
    ids = sorted({account.pk for account in accounts})
    locked = list(
        SavingsAccount.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("product__ledger_account", "member", "cooperative")
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise LumbungError("NOT_FOUND")
    return locked


def _balance(account: SavingsAccount) -> int:
    row = SubledgerBalance.objects.filter(
        cooperative_id=account.cooperative_id,
        account_id=account.product.ledger_account_id,
        ref=account.subledger_ref,
    ).values_list("debit", "credit").first()
    return (row[1] - row[0]) if row else 0


def savings_available(account: SavingsAccount) -> int:
    """What the member may take out now (sen): the balance less the minimum balance and holds;
    nothing from pokok and wajib while a member, nothing from a closed account."""
    if account.status == SavingsAccount.Status.CLOSED:
        return 0
    if account.product.kind in EQUITY_KINDS and account.member.status != Member.Status.EXITED:
        return 0
    balance = _balance(account)
    minimum = 0 if account.product.kind in TIME_KINDS else account.product.minimum_balance
    return max(0, balance - minimum - account.held_amount)


def _check_amount(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise LumbungError("SAVINGS_AMOUNT")


def _check_tenant(cooperative: Cooperative, *objects: Any) -> None:
    if any(obj.cooperative_id != cooperative.pk for obj in objects):
        raise LumbungError("SAVINGS_OTHER_COOPERATIVE")


def _check_member_may_save(member: Member, kind: str) -> None:
    if member.status == Member.Status.EXITED:
        raise LumbungError("SAVINGS_MEMBER_EXITED", member=member.name)
    if member.status == Member.Status.CANDIDATE and kind != Kind.PRINCIPAL:
        raise LumbungError("SAVINGS_CANDIDATE", member=member.name)


def _check_open(account: SavingsAccount) -> None:
    if account.status == SavingsAccount.Status.CLOSED:
        raise LumbungError("SAVINGS_ACCOUNT_CLOSED", number=account.number)


def _earlier(cooperative: Cooperative, key: str | None) -> JournalEntry | ApprovalRequest | None:
    """What an earlier call with this idempotency key produced (entry or pending request)."""
    if key is None:
        return None
    entry = JournalEntry.objects.filter(cooperative=cooperative, idempotency_key=key).first()
    if entry is not None:
        return entry
    return ApprovalRequest.objects.filter(cooperative=cooperative, idempotency_key=key).first()


# ---------------------------------------------------------------- accounts


def _next_account_number(cooperative: Cooperative, kind: str) -> str:
    """Next number per cooperative; the caller holds the cooperative row lock."""
    count = SavingsAccount.objects.filter(cooperative=cooperative).count()
    return f"{KIND_PREFIX[Kind(kind)]}-{count + 1:06d}"


def _open_account(
    cooperative: Cooperative, member: Member, product: SavingsProduct, opened_on: dt.date,
    *, term_months: int | None = None, rate: Decimal | None = None, rollover: bool = False,
) -> SavingsAccount:
    """Create the account row; the caller holds the cooperative row lock."""
    if product.kind in ONE_PER_MEMBER_KINDS and SavingsAccount.objects.filter(
        cooperative=cooperative, member=member, product__kind=product.kind
    ).exclude(status=SavingsAccount.Status.CLOSED).exists():
        raise LumbungError("SAVINGS_ACCOUNT_EXISTS", member=member.name, product=product.name)
    time_terms: dict[str, Any] = {}
    if product.kind in TIME_KINDS:
        term = term_months or product.term_months
        if not 1 <= term <= 120:
            raise LumbungError("SAVINGS_BAD_TERM")
        default_rate = product.nisbah if product.kind == Kind.MUDHARABAH_TIME else (
            product.interest_rate)
        time_terms = {
            "term_months": term,
            "rate": default_rate if rate is None else rate,
            "maturity_date": add_months(opened_on, term),
            "rollover": rollover,
        }
    return SavingsAccount.objects.create(
        cooperative=cooperative, member=member, product=product,
        number=_next_account_number(cooperative, product.kind),
        opened_on=opened_on, **time_terms,
    )


def savings_account_open(
    *,
    cooperative: Cooperative,
    member: Member,
    product: SavingsProduct,
    acting_user: Any,
    term_months: int | None = None,
    rate: Decimal | None = None,
    rollover: bool = False,
) -> SavingsAccount:
    """Open an account for a member. A calon anggota may only hold the pokok account
    (closed loop); pokok and wajib are one per member. Berjangka takes its term (months, default
    the product's), rate (default the product's rate, or nisbah for mudharabah) and roll-over.
    Raises SAVINGS_CANDIDATE, SAVINGS_MEMBER_EXITED, SAVINGS_ACCOUNT_EXISTS,
    SAVINGS_PRODUCT_INACTIVE, SAVINGS_BAD_TERM, SAVINGS_OTHER_COOPERATIVE."""
    _check_tenant(cooperative, member, product)
    if not product.active:
        raise LumbungError("SAVINGS_PRODUCT_INACTIVE", product=product.name)
    with transaction.atomic():
        Cooperative.objects.select_for_update().filter(pk=cooperative.pk).first()
        member = Member.objects.get(pk=member.pk)
        _check_member_may_save(member, product.kind)
        account = _open_account(
            cooperative, member, product, cooperative.business_date,
            term_months=term_months, rate=rate, rollover=rollover,
        )
        audit_record(
            action="savings.account.opened", acting_user=acting_user, cooperative=cooperative,
            obj=account, data={"number": account.number, "product": product.code,
                               "member": member.pk},
        )
    return account


def savings_account_close(
    *, cooperative: Cooperative, account: SavingsAccount, acting_user: Any
) -> SavingsAccount:
    """Close an empty account (history stays). Raises BAD_INPUT while it holds money."""
    _check_tenant(cooperative, account)
    with transaction.atomic():
        [account] = savings_lock([account])
        _check_open(account)
        if _balance(account) != 0:
            raise LumbungError("BAD_INPUT", detail="rekening masih bersaldo; tarik dulu saldonya")
        _close(account, cooperative.business_date)
        audit_record(action="savings.account.closed", acting_user=acting_user,
                     cooperative=cooperative, obj=account, data={"number": account.number})
    return account


def _close(account: SavingsAccount, day: dt.date) -> None:
    account.status = SavingsAccount.Status.CLOSED
    account.closed_on = day
    account.held_amount = 0
    account.save(update_fields=["status", "closed_on", "held_amount"])


# ---------------------------------------------------------------- deposits


def _check_depositable(account: SavingsAccount, amount: int) -> None:
    _check_open(account)
    _check_member_may_save(account.member, account.product.kind)
    product = account.product
    if product.kind == Kind.PRINCIPAL:
        raise LumbungError("SAVINGS_NOT_CANDIDATE", member=account.member.name)
    balance_row_exists = SubledgerBalance.objects.filter(
        cooperative_id=account.cooperative_id, account_id=product.ledger_account_id,
        ref=account.subledger_ref,
    ).exists()
    if product.kind in TIME_KINDS and balance_row_exists:
        raise LumbungError("SAVINGS_TIME_DEPOSIT_PLACED", number=account.number)
    if not balance_row_exists and amount < product.minimum_opening:
        raise LumbungError("SAVINGS_MINIMUM_OPENING", product=product.name,
                           minimum=format_rupiah(product.minimum_opening))


def _pay_dues(account: SavingsAccount, amount: int) -> None:
    """Apply a wajib payment to the oldest unpaid months (arrears first)."""
    if account.product.kind != Kind.MANDATORY:
        return
    for due in WajibDue.objects.filter(account=account).order_by("month"):
        if amount <= 0:
            break
        share = min(amount, due.outstanding)
        if share:
            due.paid += share
            due.save(update_fields=["paid"])
            amount -= share


def _after_member_deposit(account: SavingsAccount, amount: int) -> None:
    if account.status == SavingsAccount.Status.DORMANT:
        account.status = SavingsAccount.Status.OPEN
        account.save(update_fields=["status"])
    _pay_dues(account, amount)


def savings_deposit(
    *,
    cooperative: Cooperative,
    account: SavingsAccount,
    amount: int,
    counterpart: Counterpart,
    acting_user: Any,
    idempotency_key: str | None,
    description: str = "",
) -> JournalEntry:
    """Take `amount` sen into `account` from `counterpart`; return the journal entry.

    A dormant account becomes active again; a wajib payment settles the oldest dues first.
    A retry with the same key returns the first entry. Raises SAVINGS_AMOUNT,
    SAVINGS_ACCOUNT_CLOSED, SAVINGS_CANDIDATE, SAVINGS_MEMBER_EXITED, SAVINGS_NOT_CANDIDATE
    (pokok is paid by member_admit), SAVINGS_TIME_DEPOSIT_PLACED, SAVINGS_MINIMUM_OPENING,
    and the ledger's refusals. Locks the account, then the ledger head.
    """
    _check_amount(amount)
    _check_tenant(cooperative, account)
    with transaction.atomic():
        [account] = savings_lock([account])
        lines = [
            LineSpec(counterpart.account_code, debit=amount,
                     subledger_ref=counterpart.subledger_ref),
            savings_lines(account, credit=amount, memo="Setoran"),
        ]
        text = description or f"Setoran {account.product.name} {account.number}"
        post = {"cooperative": cooperative, "lines": lines, "description": text,
                "source": SOURCE, "idempotency_key": idempotency_key,
                "acting_user": acting_user}
        if isinstance(_earlier(cooperative, idempotency_key), JournalEntry):
            return journal_entry_post(**post)
        _check_depositable(account, amount)
        entry = journal_entry_post(**post)
        _after_member_deposit(account, amount)
    return entry


# ---------------------------------------------------------------- withdrawals


@dataclass(frozen=True)
class _Withdrawal:
    """What taking `amount` out of a locked account costs: the member gets `paid`, the
    cooperative keeps `penalty` (time deposit broken before maturity); `closes` the account."""

    amount: int
    paid: int
    penalty: int = 0
    closes: bool = False


def _withdrawal_terms(account: SavingsAccount, amount: int, day: dt.date) -> _Withdrawal:
    """Check a withdrawal against the locked account. Raises the refusals of savings_withdraw."""
    _check_open(account)
    product = account.product
    if product.kind in EQUITY_KINDS and account.member.status != Member.Status.EXITED:
        raise LumbungError("SAVINGS_EQUITY_LOCKED", product=product.name)
    if account.member.status == Member.Status.CANDIDATE:
        raise LumbungError("SAVINGS_CANDIDATE", member=account.member.name)
    if product.kind in TIME_KINDS:
        balance = _balance(account) - account.held_amount
        if amount != balance:
            raise LumbungError("SAVINGS_TIME_DEPOSIT_WHOLE", number=account.number,
                               balance=format_rupiah(balance))
        early = account.maturity_date is not None and day < account.maturity_date
        penalty = early_withdrawal_penalty(amount, product.penalty_rate) if early else 0
        return _Withdrawal(amount=amount, paid=amount - penalty, penalty=penalty, closes=True)
    available = savings_available(account)
    if amount > available:
        raise LumbungError("SAVINGS_INSUFFICIENT", number=account.number,
                           available=format_rupiah(available), amount=format_rupiah(amount))
    return _Withdrawal(amount=amount, paid=amount)


def _withdrawal_lines(
    cooperative: Cooperative, account: SavingsAccount, terms: _Withdrawal,
    counterpart: Counterpart,
) -> list[LineSpec]:
    lines = [
        savings_lines(account, debit=terms.amount, memo="Penarikan"),
        LineSpec(counterpart.account_code, credit=terms.paid,
                 subledger_ref=counterpart.subledger_ref),
    ]
    if terms.penalty:
        penalty_code = counterpart_by_purpose(cooperative, "income_savings_penalty").account_code
        lines.append(LineSpec(penalty_code, credit=terms.penalty, member_id=account.member_id,
                              memo=f"Penalti pencairan {account.number}"))
    return lines


def _withdraw_now(
    cooperative: Cooperative, account: SavingsAccount, terms: _Withdrawal,
    counterpart: Counterpart, description: str, idempotency_key: str | None, acting_user: Any,
    approved_by: Any = None,
) -> JournalEntry:
    entry = journal_entry_post(
        cooperative=cooperative,
        lines=_withdrawal_lines(cooperative, account, terms, counterpart),
        description=description,
        source=SOURCE,
        idempotency_key=idempotency_key,
        limit_action=WITHDRAWAL_ACTION,
        approved_by=approved_by,
        acting_user=acting_user,
    )
    if terms.closes:
        _close(account, cooperative.business_date)
    elif account.status == SavingsAccount.Status.DORMANT:
        account.status = SavingsAccount.Status.OPEN
        account.save(update_fields=["status"])
    return entry


def savings_withdraw(
    *,
    cooperative: Cooperative,
    account: SavingsAccount,
    amount: int,
    counterpart: Counterpart,
    acting_user: Any,
    idempotency_key: str | None,
    description: str = "",
) -> JournalEntry | ApprovalRequest:
    """Pay `amount` sen out of `account` to `counterpart`.

    Within the acting user's limit for "savings.withdrawal" it posts at once and returns the
    entry; above it returns an ApprovalRequest (kind "savings.withdrawal") that a second person
    approves on the approvals screen, which re-checks the balance and posts. A time deposit
    is paid out whole (less the early-withdrawal penalty before maturity) and closed.
    A retry with the same key returns the first entry or request. Raises SAVINGS_AMOUNT,
    SAVINGS_ACCOUNT_CLOSED, SAVINGS_EQUITY_LOCKED, SAVINGS_INSUFFICIENT,
    SAVINGS_TIME_DEPOSIT_WHOLE, SAVINGS_CANDIDATE. Locks the account, then the ledger head.
    """
    _check_amount(amount)
    _check_tenant(cooperative, account)
    with transaction.atomic():
        [account] = savings_lock([account])
        text = description or f"Penarikan {account.product.name} {account.number}"
        earlier = _earlier(cooperative, idempotency_key)
        if isinstance(earlier, ApprovalRequest):
            if earlier.payload.get("account_id") != account.pk or earlier.amount != amount:
                raise LumbungError("LEDGER_IDEMPOTENCY_CONFLICT", key=idempotency_key)
            return earlier.entry if earlier.entry is not None else earlier
        if earlier is not None:
            if not earlier.lines.filter(subledger_ref=account.subledger_ref,
                                        debit=amount).exists():
                raise LumbungError("LEDGER_IDEMPOTENCY_CONFLICT", key=idempotency_key)
            return earlier
        day = cooperative.business_date
        terms = _withdrawal_terms(account, amount, day)
        if amount <= role_limit(cooperative=cooperative, user=acting_user,
                                action=WITHDRAWAL_ACTION):
            return _withdraw_now(cooperative, account, terms, counterpart, text,
                                 idempotency_key, acting_user)
        request = ApprovalRequest.objects.create(
            cooperative=cooperative,
            kind=WITHDRAWAL_ACTION,
            amount=amount,
            description=text[:300],
            maker=acting_user,
            payload={"account_id": account.pk, "number": account.number,
                     "counterpart": [counterpart.account_code, counterpart.subledger_ref]},
            idempotency_key=idempotency_key,
        )
        audit_record(action="ledger.approval.requested", acting_user=acting_user,
                     cooperative=cooperative, obj=request,
                     data={"amount": amount, "kind": WITHDRAWAL_ACTION,
                           "account": account.number})
    return request


@approval_handler(WITHDRAWAL_ACTION)
def _withdrawal_approved(request: ApprovalRequest, approver: Any) -> JournalEntry:
    """Carry out an approved withdrawal: re-check the locked account, then post."""
    cooperative = request.cooperative
    account = SavingsAccount.objects.get(pk=request.payload["account_id"], cooperative=cooperative)
    [account] = savings_lock([account])
    terms = _withdrawal_terms(account, request.amount, cooperative.business_date)
    code, ref = request.payload["counterpart"]
    return _withdraw_now(
        cooperative, account, terms, Counterpart(code, ref), request.description,
        request.idempotency_key or f"savings:withdrawal:approval:{request.pk}",
        request.maker, approved_by=approver,
    )


# ---------------------------------------------------------------- transfers


def savings_transfer(
    *,
    cooperative: Cooperative,
    from_account: SavingsAccount,
    to_account: SavingsAccount,
    amount: int,
    acting_user: Any,
    idempotency_key: str | None,
    description: str = "",
) -> JournalEntry:
    """Move `amount` sen between two accounts of the cooperative (the same member's or two
    members'): one entry, no cash. Same checks as a withdrawal from `from_account` and a
    deposit into `to_account` (no maker-checker: no cash leaves the cooperative). Locks both
    accounts in pk order, then the ledger head."""
    _check_amount(amount)
    _check_tenant(cooperative, from_account, to_account)
    if from_account.pk == to_account.pk:
        raise LumbungError("SAVINGS_SAME_ACCOUNT")
    with transaction.atomic():
        locked = {a.pk: a for a in savings_lock([from_account, to_account])}
        source, target = locked[from_account.pk], locked[to_account.pk]
        lines = [
            savings_lines(source, debit=amount, memo=f"Pemindahbukuan ke {target.number}"),
            savings_lines(target, credit=amount, memo=f"Pemindahbukuan dari {source.number}"),
        ]
        text = description or f"Pemindahbukuan {source.number} ke {target.number}"
        post = {"cooperative": cooperative, "lines": lines, "description": text,
                "source": SOURCE, "idempotency_key": idempotency_key,
                "acting_user": acting_user}
        if isinstance(_earlier(cooperative, idempotency_key), JournalEntry):
            return journal_entry_post(**post)
        terms = _withdrawal_terms(source, amount, cooperative.business_date)
        if terms.penalty or terms.closes:
            raise LumbungError("BAD_INPUT", detail="simpanan berjangka dicairkan lewat penarikan")
        _check_depositable(target, amount)
        entry = journal_entry_post(**post)
        _after_member_deposit(target, amount)
    return entry


# ---------------------------------------------------------------- admission


@dataclass
class Admission:
    member: Member
    entry: JournalEntry
    accounts: list[SavingsAccount] = field(default_factory=list)


def member_admit(
    *,
    cooperative: Cooperative,
    member: Member,
    counterpart: Counterpart,
    acting_user: Any,
    idempotency_key: str | None,
) -> Admission:
    """A calon anggota pays the simpanan pokok (and the first wajib when the product says so)
    and becomes an anggota with the next member number; the pokok, wajib and the voluntary
    account (sukarela, or wadiah in a sharia cooperative) are opened. One entry; the `member`
    passed in is updated. A retry with the same key returns the first admission.
    Raises SAVINGS_NOT_CANDIDATE, SAVINGS_PRODUCT_MISSING. Locks the member and the
    cooperative row (numbers), then the ledger head."""
    _check_tenant(cooperative, member)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        earlier = _earlier(cooperative, idempotency_key)
        if isinstance(earlier, JournalEntry) and locked.status != Member.Status.CANDIDATE:
            member.refresh_from_db()
            return Admission(member, earlier, list(SavingsAccount.objects.filter(
                member=member).order_by("pk")))
        if locked.status != Member.Status.CANDIDATE:
            raise LumbungError("SAVINGS_NOT_CANDIDATE", member=locked.name)
        principal = product_of_kind(cooperative, Kind.PRINCIPAL)
        mandatory = product_of_kind(cooperative, Kind.MANDATORY)
        voluntary = product_of_kind(
            cooperative, Kind.WADIAH if cooperative.is_sharia else Kind.VOLUNTARY)
        Cooperative.objects.select_for_update().filter(pk=cooperative.pk).first()
        day = cooperative.business_date
        last = Member.objects.filter(cooperative=cooperative).aggregate(n=Max("number"))["n"]
        locked.status = Member.Status.MEMBER
        locked.number = (last or 0) + 1
        locked.joined_on = day
        locked.save(update_fields=["status", "number", "joined_on"])
        accounts = [_open_account(cooperative, locked, product, day)
                    for product in (principal, mandatory, voluntary)]
        lines = [savings_lines(accounts[0], credit=principal.fixed_amount, memo="Simpanan pokok")]
        if mandatory.charge_on_admission and mandatory.fixed_amount:
            lines.append(savings_lines(accounts[1], credit=mandatory.fixed_amount,
                                       memo="Simpanan wajib bulan pertama"))
        total = sum(line.credit for line in lines)
        lines.insert(0, LineSpec(counterpart.account_code, debit=total,
                                 subledger_ref=counterpart.subledger_ref))
        entry = journal_entry_post(
            cooperative=cooperative, lines=lines,
            description=f"Penerimaan anggota baru {locked.name} (No. {locked.number})",
            source=SOURCE, idempotency_key=idempotency_key, acting_user=acting_user,
        )
        if len(lines) > 2:
            WajibDue.objects.create(cooperative=cooperative, account=accounts[1],
                                    month=day.replace(day=1), amount=mandatory.fixed_amount,
                                    paid=mandatory.fixed_amount)
        audit_record(
            action="savings.member.admitted", acting_user=acting_user, cooperative=cooperative,
            obj=locked, data={"number": locked.number, "entry": entry.number,
                              "accounts": [a.number for a in accounts]},
        )
    member.refresh_from_db()
    return Admission(member, entry, accounts)


def wajib_arrears(accounts: Sequence[SavingsAccount]) -> dict[int, int]:
    """Unpaid simpanan wajib (sen) per account pk."""
    result: dict[int, int] = {}
    for account_id, amount, paid in WajibDue.objects.filter(
        account__in=[a.pk for a in accounts]
    ).values_list("account_id", "amount", "paid"):
        result[account_id] = result.get(account_id, 0) + amount - paid
    return result
