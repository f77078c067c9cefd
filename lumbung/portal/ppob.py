"""Bill payments (PPOB "satu pintu") from a member's voluntary savings.

Path of a rupiah (bill_pay):
  1. one durable transaction: lock the payment row, then the savings account (savings_lock),
     check what is available, post Dr member savings (amount + fee) / Cr ppob_payable (amount)
     / Cr income_ppob_fee (fee, with the member's id); the payment becomes `processing`;
  2. after commit, ask the aggregator to pay, keyed by the payment's reference;
  3. success -> `success` (token kept); refused -> the debit is reversed (`reversed`);
     no answer -> stays `processing` until bill_settle asks the aggregator's status, which
     either confirms it or (never reached the biller) reverses it.
The reference and the ledger idempotency keys make every retry harmless: the member is
never charged twice, and a debit is never lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.ledger.models import Account, JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post, journal_entry_reverse
from lumbung.members.models import Member
from lumbung.portal.billers import (
    Bill,
    BillerRefused,
    BillerUnreachable,
    PaymentResult,
    biller_gateway,
    ppob_rules,
)
from lumbung.portal.models import BillPayment, SettlementCheck
from lumbung.savings.models import Kind, SavingsAccount
from lumbung.savings.services import savings_available, savings_lines, savings_lock
from lumbung.tenancy.models import Cooperative

QUOTE_MINUTES = 15
VOLUNTARY_KINDS = (Kind.VOLUNTARY, Kind.WADIAH, Kind.MUDHARABAH)


def voluntary_account(cooperative: Cooperative, member: Member) -> SavingsAccount:
    """The member's open voluntary account (sukarela; wadiah or mudharabah when sharia)."""
    account = (
        SavingsAccount.objects.filter(cooperative=cooperative, member=member,
                                      product__kind__in=VOLUNTARY_KINDS)
        .exclude(status=SavingsAccount.Status.CLOSED)
        .select_related("product__ledger_account", "member").order_by("pk").first()
    )
    if account is None:
        raise LumbungError("PORTAL_NO_SAVINGS_ACCOUNT")
    return account


def account_code(cooperative: Cooperative, purpose: str) -> str:
    return Account.objects.values_list("code", flat=True).get(cooperative=cooperative,
                                                             purpose=purpose)


def require_available(account: SavingsAccount, amount: int) -> None:
    """Raise PORTAL_INSUFFICIENT unless `amount` sen may leave the (locked) account."""
    available = savings_available(account)
    if amount > available:
        raise LumbungError("PORTAL_INSUFFICIENT", available=format_rupiah(available),
                           amount=format_rupiah(amount))


def bill_quote(
    *, cooperative: Cooperative, member: Member, product: str, customer_no: str,
    amount: int = 0, client_token: str,
) -> BillPayment:
    """Ask the aggregator what the bill is (no money moves); the member confirms it next.

    A retry with the same client token returns the first quote. Raises PORTAL_BILL_PRODUCT,
    PORTAL_BILL_REFUSED, PORTAL_BILLER_DOWN, PORTAL_NO_SAVINGS_ACCOUNT.
    """
    earlier = BillPayment.objects.filter(cooperative=cooperative, member=member,
                                         client_token=client_token).first()
    if earlier is not None:
        return earlier
    rule = ppob_rules()["products"].get(product)
    denominations = rule.get("denominations") if rule else None
    if rule is None or (denominations and amount not in denominations):
        raise LumbungError("PORTAL_BILL_PRODUCT", product=product)
    account = voluntary_account(cooperative, member)
    customer_no = "".join(c for c in customer_no if c.isdigit())[:30]
    try:
        bill = biller_gateway().inquiry(product=product, customer_no=customer_no,
                                        amount=amount if denominations else 0)
    except BillerRefused as exc:
        raise LumbungError("PORTAL_BILL_REFUSED", code=exc.code, message=exc.message) from exc
    except BillerUnreachable as exc:
        raise LumbungError("PORTAL_BILLER_DOWN") from exc
    return BillPayment.objects.create(
        cooperative=cooperative, member=member, savings_account_id=account.pk, product=product,
        customer_no=customer_no, customer_name=bill.customer_name[:100], period=bill.period,
        amount=bill.amount, fee=rule["fee"], client_token=client_token[:64],
        business_date=cooperative.business_date,
    )


def _bill(payment: BillPayment) -> Bill:
    return Bill(product=payment.product, customer_no=payment.customer_no,
                customer_name=payment.customer_name, amount=payment.amount)


def bill_pay(*, cooperative: Cooperative, member: Member, payment: BillPayment) -> BillPayment:
    """Debit the savings and pay the bill (see the module's docstring). Paying a payment that
    is past its quote does nothing more and returns it as it is. Raises NOT_FOUND (another
    member's payment), PORTAL_QUOTE_EXPIRED, PORTAL_INSUFFICIENT and the ledger's refusals."""
    if payment.cooperative_id != cooperative.pk or payment.member_id != member.pk:
        raise LumbungError("NOT_FOUND")
    with transaction.atomic(durable=True):
        payment = BillPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != BillPayment.Status.QUOTED:
            return payment
        if timezone.now() - payment.created_at > dt.timedelta(minutes=QUOTE_MINUTES):
            raise LumbungError("PORTAL_QUOTE_EXPIRED")
        [account] = savings_lock([SavingsAccount(pk=payment.savings_account_id)])
        require_available(account, payment.total)
        rule = ppob_rules()["products"][payment.product]
        lines = [
            savings_lines(account, debit=payment.total,
                          memo=f"{rule['name']} {payment.customer_no}"),
            LineSpec(account_code(cooperative, "ppob_payable"), credit=payment.amount,
                     member_id=member.pk),
        ]
        if payment.fee:
            lines.append(LineSpec(account_code(cooperative, "income_ppob_fee"),
                                  credit=payment.fee, member_id=member.pk))
        entry = journal_entry_post(
            cooperative=cooperative, lines=lines, source="ppob",
            description=f"Bayar {rule['name']} {payment.customer_no} {payment.customer_name}"[:300],
            idempotency_key=f"portal:ppob:{payment.pk}", acting_user=None)
        payment.status = BillPayment.Status.PROCESSING
        payment.entry_number = entry.number
        payment.save(update_fields=["status", "entry_number", "updated_at"])
    try:
        result = biller_gateway().pay(reference=payment.reference, bill=_bill(payment))
    except BillerRefused as exc:
        result = PaymentResult(reference=payment.reference, status="failed", message=exc.message)
    except BillerUnreachable:
        return payment
    return _apply(payment, result)


def _apply(payment: BillPayment, result: PaymentResult) -> BillPayment:
    """Record what the aggregator says about a processing payment; reverse it when it did not
    happen. Locks the payment row, so two checks never reverse twice."""
    with transaction.atomic(durable=True):
        payment = BillPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != BillPayment.Status.PROCESSING:
            return payment
        if result.status == "success":
            payment.status = BillPayment.Status.SUCCESS
            payment.aggregator_ref = result.aggregator_ref[:40]
            payment.token = result.token[:60]
        elif result.status in {"failed", "not_found", "reversed"}:
            entry = JournalEntry.objects.get(cooperative_id=payment.cooperative_id,
                                             number=payment.entry_number or 0)
            reversal = journal_entry_reverse(
                entry=entry, idempotency_key=f"portal:ppob-reversal:{payment.pk}",
                description=f"Pengembalian dana: {entry.description}"[:300], acting_user=None)
            payment.status = BillPayment.Status.REVERSED
            payment.reversal_number = reversal.number
            audit_record(action="portal.ppob.reversed", acting_user=None,
                         cooperative=payment.cooperative, obj=payment,
                         data={"member_id": payment.member_id, "status": result.status,
                               "entry": entry.number, "reversal": reversal.number})
        else:
            return payment
        payment.message = result.message[:200]
        payment.save()
    return payment


def bill_settle(*, payment: BillPayment) -> BillPayment:
    """The status check: settle a `processing` payment by asking the aggregator; a payment the
    aggregator never received is cancelled there (reverse) and reversed here."""
    if payment.status != BillPayment.Status.PROCESSING:
        return payment
    gateway = biller_gateway()
    try:
        result = gateway.status(reference=payment.reference)
        if result.status == "pending":
            return payment
        if result.status == "not_found":
            # Never reached the biller: make sure it never will, then give the money back.
            result = gateway.reverse(reference=payment.reference)
    except BillerUnreachable:
        return payment
    except BillerRefused as exc:
        if exc.code != "ALREADY_SETTLED":
            return payment
        result = gateway.status(reference=payment.reference)
    return _apply(payment, result)


def bills_settle_pending(*, cooperative: Cooperative) -> dict[str, int]:
    """Status check of every payment still `processing` (cron: `lumbung ppob-settle`)."""
    counts: dict[str, int] = {}
    for payment in BillPayment.objects.filter(cooperative=cooperative,
                                              status=BillPayment.Status.PROCESSING):
        status = bill_settle(payment=payment).status
        counts[status] = counts.get(status, 0) + 1
    return counts


def settlement_reconcile(
    *, cooperative: Cooperative, date: dt.date, rows: list[dict[str, Any]] | None = None,
    acting_user: Any = None,
) -> SettlementCheck:
    """Compare the day's successful payments with the aggregator's settlement file (`rows`, or
    fetched from the aggregator) and keep every difference: paid here but not in the file,
    in the file but not paid here, or a different amount."""
    if rows is None:
        rows = biller_gateway().settlement(date=date.isoformat())
    prefix = f"LBG{cooperative.pk}-"
    theirs = {str(r["reference"]): int(r["amount"]) for r in rows
              if str(r["reference"]).startswith(prefix)}
    ours = {p.reference: p.amount for p in BillPayment.objects.filter(
        cooperative=cooperative, business_date=date, status=BillPayment.Status.SUCCESS)}
    differences: list[dict[str, Any]] = []
    for reference in sorted(ours.keys() | theirs.keys()):
        mine, other = ours.get(reference), theirs.get(reference)
        if mine == other:
            continue
        kind = ("missing_at_aggregator" if other is None else
                "missing_here" if mine is None else "amount")
        differences.append({"reference": reference, "kind": kind, "ours": mine, "theirs": other})
    with transaction.atomic(durable=True):
        check = SettlementCheck.objects.create(
            cooperative=cooperative, date=date, differences=differences,
            matched=len(ours.keys() & theirs.keys()) - sum(
                1 for d in differences if d["kind"] == "amount"))
        audit_record(action="portal.ppob.reconciled", acting_user=acting_user,
                     cooperative=cooperative, obj=check,
                     data={"date": date.isoformat(), "differences": len(differences)})
    return check
