"""Every write of the teller app: drawers, sessions, vault/bank transfers, counter work, close.

Path of a rupiah at the counter: the teller's open session is checked (their own, today's),
the money moves in one balanced entry through `journal_entry_post` with the drawer's
sub-ledger `drawer:<pk>` on the cash_drawers line, and a CounterTransaction records what was
done for the receipt. Cash may never go below zero in a drawer, the vault or the bank: the
balance is read after the posting, inside the same transaction (the posting has locked and
updated that balance row), and a shortfall rolls everything back.

Lock order: member rows (savings accounts, a loan) -> the session row -> the ledger head
(inside journal_entry_post).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.loans.models import Loan, LoanRepayment
from lumbung.loans.services import loan_lock, loan_repay_within
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount
from lumbung.savings.services import (
    Counterpart,
    counterpart_by_purpose,
    member_admit,
    savings_deposit,
    savings_lock,
    savings_withdraw,
)
from lumbung.teller import calculations, selectors
from lumbung.teller.models import CashDrawer, CounterTransaction, DrawerSession
from lumbung.tenancy.models import Cooperative

Kind = CounterTransaction.Kind
SOURCE = "teller"
# Transfers: kind -> (purpose of the other account, True when cash comes into the drawer).
TRANSFERS = {
    Kind.VAULT_TO_DRAWER: ("cash", True),
    Kind.DRAWER_TO_VAULT: ("cash", False),
    Kind.BANK_TO_DRAWER: ("bank", True),
    Kind.DRAWER_TO_BANK: ("bank", False),
}
SHORT_ERRORS = {"cash": "TELLER_VAULT_SHORT", "bank": "TELLER_BANK_SHORT"}


def _positive(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LumbungError("TELLER_AMOUNT_REQUIRED")


def _codes(cooperative: Cooperative) -> dict[str, str]:
    return account_codes_by_purpose(
        cooperative=cooperative, purposes=["cash", "bank", "cash_drawers", "suspense"]
    )


def _check_not_below_zero(cooperative: Cooperative, purpose: str, amount: int) -> None:
    """After a posting: refuse (rolling back) if the account went below zero."""
    balance = selectors.account_balance(cooperative=cooperative, purpose=purpose)
    if balance < 0:
        raise LumbungError(SHORT_ERRORS[purpose], balance=format_rupiah(balance + amount),
                           amount=format_rupiah(amount))


def drawer_create(*, cooperative: Cooperative, name: str, acting_user: Any) -> CashDrawer:
    """Add a cash drawer. Raises TELLER_DRAWER_NAME_TAKEN."""
    name = name.strip()
    if not name or len(name) > 60:
        raise LumbungError("BAD_INPUT", detail="nama laci wajib diisi (paling banyak 60 huruf)")
    try:
        with transaction.atomic(durable=True):
            drawer = CashDrawer.objects.create(cooperative=cooperative, name=name)
            audit_record(action="teller.drawer.created", acting_user=acting_user,
                         cooperative=cooperative, obj=drawer, data={"name": name})
    except IntegrityError as exc:
        raise LumbungError("TELLER_DRAWER_NAME_TAKEN", name=name) from exc
    return drawer


def _record(session: DrawerSession, kind: str, amount: int, entry: JournalEntry | None = None,
            **fields: Any) -> CounterTransaction:
    return CounterTransaction.objects.create(
        cooperative_id=session.cooperative_id, session=session, kind=kind, amount=amount,
        entry=entry, **fields,
    )


def drawer_session_open(
    *, cooperative: Cooperative, drawer: CashDrawer, float_amount: int, acting_user: Any
) -> DrawerSession:
    """Open `drawer` for the acting teller with a float taken from the vault.

    Raises TELLER_DRAWER_BUSY, TELLER_ALREADY_OPEN, TELLER_VAULT_SHORT, TELLER_AMOUNT_REQUIRED.
    A zero float is allowed (a drawer that starts empty and takes deposits first).
    """
    if isinstance(float_amount, bool) or not isinstance(float_amount, int) or float_amount < 0:
        raise LumbungError("TELLER_AMOUNT_REQUIRED")
    if drawer.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    busy = DrawerSession.objects.filter(drawer=drawer, status=DrawerSession.Status.OPEN).first()
    if busy is not None:
        raise LumbungError("TELLER_DRAWER_BUSY", drawer=drawer.name,
                           teller=busy.teller.display_name())
    own = selectors.open_session_for(cooperative=cooperative, teller=acting_user)
    if own is not None:
        raise LumbungError("TELLER_ALREADY_OPEN", drawer=own.drawer.name)
    codes = _codes(cooperative)
    try:
        with transaction.atomic(durable=True):
            session = DrawerSession.objects.create(
                cooperative=cooperative, drawer=drawer, teller=acting_user,
                business_date=cooperative.business_date, float_amount=float_amount,
            )
            if float_amount:
                entry = journal_entry_post(
                    cooperative=cooperative,
                    lines=[
                        LineSpec(codes["cash_drawers"], debit=float_amount,
                                 subledger_ref=drawer.subledger_ref),
                        LineSpec(codes["cash"], credit=float_amount),
                    ],
                    description=f"Modal awal {drawer.name} ({acting_user.display_name()})",
                    source=SOURCE,
                    idempotency_key=f"teller:open:{session.pk}",
                    acting_user=acting_user,
                )
                _check_not_below_zero(cooperative, "cash", float_amount)
                _record(session, Kind.OPENING, float_amount, entry)
            audit_record(action="teller.session.opened", acting_user=acting_user,
                         cooperative=cooperative, obj=session,
                         data={"drawer": drawer.name, "float": float_amount})
    except IntegrityError as exc:
        # Two openings at once: the constraint let one through.
        raise LumbungError("TELLER_DRAWER_BUSY", drawer=drawer.name, teller="-") from exc
    return session


def session_for_counter(*, session: DrawerSession, acting_user: Any) -> DrawerSession:
    """Lock and return the session if the acting teller may work in it now.

    Raises TELLER_NOT_YOUR_DRAWER, TELLER_SESSION_CLOSED, TELLER_SESSION_OLD. Call inside the
    caller's transaction, after locking member rows (lock order).
    """
    locked = DrawerSession.objects.select_for_update().select_related(
        "drawer", "cooperative").get(pk=session.pk)
    if locked.teller_id != acting_user.pk:
        raise LumbungError("TELLER_NOT_YOUR_DRAWER")
    if not locked.is_open:
        raise LumbungError("TELLER_SESSION_CLOSED")
    business_date = Cooperative.objects.values_list("business_date", flat=True).get(
        pk=locked.cooperative_id)
    if locked.business_date != business_date:
        raise LumbungError("TELLER_SESSION_OLD", date=locked.business_date)
    return locked


def drawer_transfer(
    *, session: DrawerSession, kind: str, amount: int, acting_user: Any,
    idempotency_key: str | None = None,
) -> CounterTransaction:
    """Move cash between the drawer and the vault or the bank, as one entry. A retry with the
    same key returns the first record.

    Raises TELLER_DRAWER_SHORT, TELLER_VAULT_SHORT, TELLER_BANK_SHORT and the session checks.
    """
    _positive(amount)
    if kind not in TRANSFERS:
        raise LumbungError("BAD_INPUT", detail="jenis pemindahan kas tidak dikenal")
    purpose, into_drawer = TRANSFERS[Kind(kind)]
    cooperative = session.cooperative
    codes = _codes(cooperative)
    with transaction.atomic(durable=True):
        session = session_for_counter(session=session, acting_user=acting_user)
        ref = session.drawer.subledger_ref
        if into_drawer:
            lines = [LineSpec(codes["cash_drawers"], debit=amount, subledger_ref=ref),
                     LineSpec(codes[purpose], credit=amount)]
        else:
            lines = [LineSpec(codes[purpose], debit=amount),
                     LineSpec(codes["cash_drawers"], credit=amount, subledger_ref=ref)]
        entry = journal_entry_post(
            cooperative=cooperative,
            lines=lines,
            description=f"{Kind(kind).label.capitalize()}: {session.drawer.name}",
            source=SOURCE,
            idempotency_key=idempotency_key,
            acting_user=acting_user,
        )
        earlier = CounterTransaction.objects.filter(session=session, entry=entry).first()
        if earlier is not None:  # a retry with the same key
            return earlier
        if into_drawer:
            _check_not_below_zero(cooperative, purpose, amount)
        else:
            _check_free_cash(session, amount)
        record = _record(session, kind, amount, entry)
        audit_record(action="teller.drawer.transfer", acting_user=acting_user,
                     cooperative=cooperative, obj=record, data={"kind": kind, "amount": amount})
    return record


def parse_count(raw: Mapping[str, str]) -> dict[str, int]:
    """Pieces per denomination key from what was typed (blank = 0). Raises TELLER_BAD_COUNT."""
    count: dict[str, int] = {}
    for denomination in calculations.denomination_rules().denominations:
        text = str(raw.get(denomination.key, "") or "").strip().replace(".", "")
        if not text:
            continue
        if not text.isdigit() or len(text) > 7:
            raise LumbungError("TELLER_BAD_COUNT",
                               denomination=format_rupiah(denomination.value, decimals=False))
        if int(text):
            count[denomination.key] = int(text)
    return count


def drawer_session_close(
    *, session: DrawerSession, count: Mapping[str, int], note: str = "", acting_user: Any
) -> DrawerSession:
    """Close the drawer against a cash count by denomination.

    The difference (counted - book balance) goes to the suspense account in its own entry and
    is flagged (audit row "teller.drawer.difference", shown to the manager); everything counted
    goes back to the vault. Raises TELLER_NOT_YOUR_DRAWER, TELLER_SESSION_CLOSED,
    TELLER_PENDING_WITHDRAWALS, TELLER_BAD_COUNT. A session from an earlier business day may be
    closed (that is what the teller must do first); the entries carry today's business date.
    """
    rules = calculations.denomination_rules()
    try:
        counted = calculations.count_total(count, rules.denominations)
    except (KeyError, ValueError) as exc:
        raise LumbungError("TELLER_BAD_COUNT", denomination=str(exc)) from exc
    cooperative = session.cooperative
    codes = _codes(cooperative)
    with transaction.atomic(durable=True):
        session = DrawerSession.objects.select_for_update().select_related("drawer").get(
            pk=session.pk)
        if session.teller_id != acting_user.pk:
            raise LumbungError("TELLER_NOT_YOUR_DRAWER")
        if not session.is_open:
            raise LumbungError("TELLER_SESSION_CLOSED")
        pending = selectors.pending_withdrawals(session=session)
        if pending:
            raise LumbungError("TELLER_PENDING_WITHDRAWALS", count=pending)
        result = calculations.CloseResult(
            expected=selectors.drawer_balance(drawer=session.drawer), counted=counted)
        drawer = session.drawer
        difference = result.difference
        if difference:
            shortage = difference < 0
            entry = journal_entry_post(
                cooperative=cooperative,
                lines=[
                    LineSpec(codes["suspense"], debit=-difference) if shortage else
                    LineSpec(codes["cash_drawers"], debit=difference,
                             subledger_ref=drawer.subledger_ref),
                    LineSpec(codes["cash_drawers"], credit=-difference,
                             subledger_ref=drawer.subledger_ref) if shortage else
                    LineSpec(codes["suspense"], credit=difference),
                ],
                description=(
                    f"Selisih kas {drawer.name} ({acting_user.display_name()}): "
                    f"{'kurang' if shortage else 'lebih'} {format_rupiah(abs(difference))}"
                ),
                source=SOURCE,
                idempotency_key=f"teller:difference:{session.pk}",
                acting_user=acting_user,
            )
            _record(session, Kind.DIFFERENCE, abs(difference), entry)
            audit_record(action="teller.drawer.difference", acting_user=acting_user,
                         cooperative=cooperative, obj=session,
                         data={"drawer": drawer.name, "expected": result.expected,
                               "counted": counted, "difference": difference})
        if result.to_vault:
            entry = journal_entry_post(
                cooperative=cooperative,
                lines=[
                    LineSpec(codes["cash"], debit=result.to_vault),
                    LineSpec(codes["cash_drawers"], credit=result.to_vault,
                             subledger_ref=drawer.subledger_ref),
                ],
                description=f"Tutup {drawer.name}: kas kembali ke brankas",
                source=SOURCE,
                idempotency_key=f"teller:close:{session.pk}",
                acting_user=acting_user,
            )
            _record(session, Kind.CLOSING, result.to_vault, entry)
        session.status = DrawerSession.Status.CLOSED
        session.closed_at = timezone.now()
        session.expected_amount = result.expected
        session.counted_amount = counted
        session.difference = difference
        session.count = dict(count)
        session.close_note = note.strip()[:300]
        session.save(update_fields=["status", "closed_at", "expected_amount", "counted_amount",
                                    "difference", "count", "close_note"])
        audit_record(action="teller.session.closed", acting_user=acting_user,
                     cooperative=cooperative, obj=session,
                     data={"drawer": drawer.name, "expected": result.expected,
                           "counted": counted, "difference": difference})
    return session


# ---------------------------------------------------------------- counter transactions
#
# How an approved withdrawal reaches the drawer: the teller's request carries the drawer as
# its counterpart ("drawer:<pk>", savings.withdrawal payload), so the approval posts the payment
# out of that drawer, whoever approves and whenever. Until then the amount is reserved in the
# drawer: every other payment out of it (withdrawals, transfers) must leave the reserved cash
# in place, so the approval can never take the drawer below zero; and the drawer cannot close
# while a withdrawal of its session waits. The teller hands over the cash and prints the
# receipt once the drawer screen shows it approved.


def drawer_counterpart(session: DrawerSession) -> Counterpart:
    """The drawer as the counterpart of a member movement (savings, loans): cash_drawers with
    sub-ledger "drawer:<pk>". Public and stable: the loans app takes repayments with it."""
    return counterpart_by_purpose(session.cooperative, "cash_drawers",
                                  session.drawer.subledger_ref)


def _reserved(session: DrawerSession) -> int:
    """Sen held back in the drawer for its pending withdrawals."""
    return sum(CounterTransaction.objects.filter(
        cooperative_id=session.cooperative_id, session=session,
        approval__status="pending").values_list("amount", flat=True))


def drawer_free_cash(*, session: DrawerSession) -> int:
    """Cash the teller may still pay out: the drawer's balance less pending withdrawals."""
    return selectors.drawer_balance(drawer=session.drawer) - _reserved(session)


def _check_free_cash(session: DrawerSession, amount: int) -> None:
    """After paying `amount` out (or reserving it): refuse if the free cash went below zero."""
    free = drawer_free_cash(session=session)
    if free < 0:
        raise LumbungError("TELLER_DRAWER_SHORT", balance=format_rupiah(free + amount),
                           amount=format_rupiah(amount))


def counter_transaction_record(
    *, session: DrawerSession, kind: str, amount: int, entry: JournalEntry | None = None,
    approval: ApprovalRequest | None = None, member: Member | None = None,
    subledger_ref: str = "", account_label: str = "",
) -> CounterTransaction:
    """Record a counter movement another app posted through `drawer_counterpart(session)`
    (e.g. a loan repayment), so it gets a receipt and shows in the drawer's day."""
    return _record(session, kind, amount, entry, approval=approval, member=member,
                   subledger_ref=subledger_ref, account_label=account_label)


def _lock_counter(session: DrawerSession, acting_user: Any) -> DrawerSession:
    """Check first without a lock (clear refusal before anything is locked), lock after the
    member rows: member rows -> session -> ledger head."""
    if session.teller_id != acting_user.pk:
        raise LumbungError("TELLER_NOT_YOUR_DRAWER")
    return session_for_counter(session=session, acting_user=acting_user)


def counter_deposit(
    *, session: DrawerSession, account: SavingsAccount, amount: int, acting_user: Any,
    idempotency_key: str | None = None,
) -> CounterTransaction:
    """Cash in at the counter to a member's savings account. Raises the savings refusals
    and the session checks; nothing is written on a refusal."""
    _positive(amount)
    cooperative = session.cooperative
    with transaction.atomic(durable=True):
        [account] = savings_lock([account])
        session = _lock_counter(session, acting_user)
        entry = savings_deposit(
            cooperative=cooperative, account=account, amount=amount,
            counterpart=drawer_counterpart(session), acting_user=acting_user,
            idempotency_key=idempotency_key,
        )
        earlier = CounterTransaction.objects.filter(session=session, entry=entry).first()
        if earlier is not None:
            return earlier
        return _record(session, Kind.DEPOSIT, amount, entry, member=account.member,
                       subledger_ref=account.subledger_ref, account_label=account.number)


def counter_withdraw(
    *, session: DrawerSession, account: SavingsAccount, amount: int, acting_user: Any,
    idempotency_key: str | None = None,
) -> CounterTransaction:
    """Pay cash out of the drawer from a member's savings account.

    Within the teller's limit it posts at once; above it the request waits for a manager
    (the CounterTransaction then has `approval` and no entry) and the cash stays reserved in
    the drawer. Raises TELLER_DRAWER_SHORT (the drawer's free cash does not cover it), the
    savings refusals and the session checks.
    """
    _positive(amount)
    cooperative = session.cooperative
    with transaction.atomic(durable=True):
        [account] = savings_lock([account])
        session = _lock_counter(session, acting_user)
        result = savings_withdraw(
            cooperative=cooperative, account=account, amount=amount,
            counterpart=drawer_counterpart(session), acting_user=acting_user,
            idempotency_key=idempotency_key,
        )
        entry = result if isinstance(result, JournalEntry) else None
        approval = None if isinstance(result, JournalEntry) else result
        # A retry finds the first record, also when its request was approved meanwhile.
        same = Q(entry=entry) | Q(approval__entry=entry) if entry else Q(approval=approval)
        earlier = CounterTransaction.objects.filter(session=session).filter(same).first()
        if earlier is not None:
            return earlier
        record = _record(
            session, Kind.WITHDRAWAL, amount, entry, approval=approval, member=account.member,
            subledger_ref=account.subledger_ref, account_label=account.number,
        )
        _check_free_cash(session, amount)
    return record


def counter_admit(
    *, session: DrawerSession, member: Member, acting_user: Any, idempotency_key: str | None = None,
) -> CounterTransaction:
    """A calon anggota pays the simpanan pokok (and the first wajib) in cash at the counter and
    becomes an anggota (savings.member_admit with the drawer as counterpart)."""
    cooperative = session.cooperative
    with transaction.atomic(durable=True):
        Member.objects.select_for_update().filter(pk=member.pk).first()
        session = _lock_counter(session, acting_user)
        admission = member_admit(
            cooperative=cooperative, member=member, counterpart=drawer_counterpart(session),
            acting_user=acting_user, idempotency_key=idempotency_key,
        )
        earlier = CounterTransaction.objects.filter(session=session,
                                                    entry=admission.entry).first()
        if earlier is not None:
            return earlier
        principal = admission.accounts[0]
        return _record(session, Kind.ADMISSION, admission.entry.total, admission.entry,
                       member=admission.member, subledger_ref=principal.subledger_ref,
                       account_label=principal.number)


def counter_loan_repay(
    *, session: DrawerSession, loan: Loan, amount: int, acting_user: Any,
    early_payoff: bool = False, idempotency_key: str | None = None,
) -> CounterTransaction:
    """A loan instalment paid in cash into the teller's drawer.

    The loans app's repayment does the work (its allocation order, credit kept, early payoff,
    closing the loan); the cash side is the drawer's sub-ledger of cash_drawers, not the vault.
    A retry with the same key returns the first record. Raises the loans refusals
    (LOAN_NOT_ACTIVE, LOAN_AMOUNT_POSITIVE, LOAN_PAYOFF_AMOUNT) and the session checks; nothing
    is written on a refusal. Locks the loan, the session, then the ledger head.
    """
    _positive(amount)
    cooperative = session.cooperative
    if loan.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    with transaction.atomic(durable=True):
        loan = loan_lock(loan)
        session = _lock_counter(session, acting_user)
        repayment = loan_repay_within(
            cooperative=cooperative, loan=loan, amount=amount, acting_user=acting_user,
            channel=LoanRepayment.Channel.COUNTER, counterpart=drawer_counterpart(session),
            early_payoff=early_payoff, idempotency_key=idempotency_key,
        )
        earlier = CounterTransaction.objects.filter(session=session,
                                                    entry=repayment.entry).first()
        if earlier is not None:
            return earlier
        return _record(session, Kind.LOAN_REPAYMENT, repayment.amount, repayment.entry,
                       member=loan.member, subledger_ref=loan.subledger_ref,
                       account_label=loan.display_number)
