"""Receipts (bukti transaksi) of counter transactions, and the public check of a receipt.

A receipt shows what the member needs and nothing more: cooperative, member name and number
(never the NIK), account, amount in figures and in words, balance after, journal number, the
entry hash's prefix, date and time, teller, and a QR code to the public verification page
`/v/<cooperative code>/<entry number>/<hash prefix>/`. The hash prefix (64 bits) makes the link
unguessable, so walking through entry numbers reveals nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.documents import pdf_from_template, qr_svg
from lumbung.core.errors import LumbungError
from lumbung.core.money import amount_in_words
from lumbung.ledger.models import JournalEntry, JournalLine, NormalBalance
from lumbung.ledger.verify import EntryCheck, entry_check
from lumbung.loans.models import Loan, LoanRepayment
from lumbung.loans.selectors import control_purpose
from lumbung.teller.calculations import mask_reference, short_hash
from lumbung.teller.models import CounterTransaction
from lumbung.tenancy.models import Cooperative

Kind = CounterTransaction.Kind
TITLES = {
    Kind.DEPOSIT: _("Bukti Setoran Tunai"),
    Kind.WITHDRAWAL: _("Bukti Penarikan Tunai"),
    Kind.ADMISSION: _("Bukti Setoran Simpanan Pokok"),
    Kind.LOAN_REPAYMENT: _("Bukti Pembayaran Angsuran"),
}
# Paper sizes a receipt prints on: key -> (CSS @page size, label).
PAPER = {"a6": ("105mm 148mm", "A6"), "80mm": ("80mm 140mm", "80 mm")}
HASH_PREFIX_MIN = 12


def verification_path(cooperative_code: str, number: int, entry_hash: str) -> str:
    """The public page that checks an entry; what a receipt's QR code points to."""
    return reverse("receipt_verify", kwargs={
        "code": cooperative_code, "number": number, "prefix": short_hash(entry_hash)})


@dataclass(frozen=True)
class Receipt:
    transaction: CounterTransaction
    entry: JournalEntry
    title: str
    cooperative: Cooperative
    address: str
    member_name: str
    member_number: int | None
    account_label: str
    # Amounts in sen.
    amount: int
    balance_after: int | None
    amount_words: str
    # What balance_after is: the account's balance, or what is left of a loan.
    balance_label: str
    # A loan instalment's split: (label, sen) for principal, interest, penalty, credit kept.
    parts: tuple[tuple[str, int], ...]
    posted_at: dt.datetime
    teller: str
    approved_by: str
    short_hash: str
    verify_url: str

    def qr(self, scale: int = 3) -> Any:
        return qr_svg(self.verify_url, scale=scale)


def balance_after(entry: JournalEntry, member_id: int | None, subledger_ref: str) -> int | None:
    """The member account's balance right after `entry`, on the account's normal side.

    Summed from the journal lines up to the entry (the (cooperative, member_id) index finds
    them), so no copy of a balance is kept for receipts.
    """
    if not subledger_ref or member_id is None:
        return None
    lines = JournalLine.objects.filter(
        cooperative_id=entry.cooperative_id, member_id=member_id, subledger_ref=subledger_ref,
        entry__number__lte=entry.number,
    )
    side = (
        lines.filter(entry=entry).values_list("account__normal_balance", flat=True).first()
    )
    if side is None:
        return None
    sums = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    debit, credit = sums["debit"] or 0, sums["credit"] or 0
    return debit - credit if side == NormalBalance.DEBIT else credit - debit


def loan_outstanding_after(entry: JournalEntry, loan: Loan) -> int:
    """What was left of the loan's principal (or receivable) right after `entry`, in sen, from
    the lines of its control account up to that entry."""
    sums = JournalLine.objects.filter(
        cooperative_id=entry.cooperative_id, member_id=loan.member_id,
        subledger_ref=loan.subledger_ref, account__purpose=control_purpose(loan.contract),
        entry__number__lte=entry.number,
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["debit"] or 0) - (sums["credit"] or 0)


def _loan_facts(transaction: CounterTransaction, entry: JournalEntry
                ) -> tuple[int | None, tuple[tuple[str, int], ...]]:
    """A loan repayment's outstanding after it and its split (from the loans app's record)."""
    repayment = (LoanRepayment.objects.filter(cooperative_id=entry.cooperative_id, entry=entry)
                 .select_related("loan").first())
    if repayment is None:
        return None, ()
    parts = tuple((str(label), amount) for label, amount in (
        (_("Pokok"), repayment.principal), (_("Bunga / margin"), repayment.interest),
        (_("Denda"), repayment.penalty), (_("Titipan (kelebihan bayar)"), repayment.credit),
    ) if amount > 0)
    return loan_outstanding_after(entry, repayment.loan), parts


def receipt_for(transaction: CounterTransaction, *, base_url: str, language: str = "id"
                ) -> Receipt:
    """Everything a printed receipt shows. Raises TELLER_NOT_A_RECEIPT while not posted."""
    entry = transaction.posted_entry
    if entry is None:
        raise LumbungError("TELLER_NOT_A_RECEIPT")
    cooperative = transaction.cooperative
    member = transaction.member
    approval = transaction.approval
    approver = approval.decided_by if approval is not None else None
    if transaction.kind == Kind.LOAN_REPAYMENT:
        after, parts = _loan_facts(transaction, entry)
        label = _("Sisa pinjaman")
    else:
        after = balance_after(entry, member.pk if member else None, transaction.subledger_ref)
        parts, label = (), _("Saldo akhir")
    return Receipt(
        transaction=transaction,
        entry=entry,
        title=str(TITLES.get(Kind(transaction.kind), _("Bukti Kas"))),
        cooperative=cooperative,
        address=", ".join(part for part in (cooperative.street_address, cooperative.kelurahan,
                                            cooperative.kecamatan, cooperative.city) if part),
        member_name=member.name if member else "",
        member_number=member.number if member else None,
        account_label=transaction.account_label,
        amount=transaction.amount,
        balance_after=after,
        amount_words=amount_in_words(transaction.amount, language),
        balance_label=str(label),
        parts=parts,
        posted_at=timezone.localtime(entry.posted_at),
        teller=transaction.session.teller.display_name(),
        approved_by=approver.display_name() if approver else "",
        short_hash=short_hash(entry.hash),
        verify_url=base_url.rstrip("/") + verification_path(cooperative.code, entry.number,
                                                           entry.hash),
    )


def receipt_pdf(receipt: Receipt, paper: str) -> bytes:
    size, _label = PAPER[paper]
    return pdf_from_template("teller/receipt_print.html", {
        "receipt": receipt, "page_size": size, "paper": paper,
        "qr": receipt.qr(scale=2 if paper == "80mm" else 3),
    })


@dataclass(frozen=True)
class PublicCheck:
    """What the public page tells a receipt holder (nothing they do not already hold)."""

    cooperative: Cooperative
    check: EntryCheck
    amount: int
    masked_account: str


def public_check(cooperative_code: str, number: int, prefix: str) -> PublicCheck | None:
    """Check the entry a receipt names; None when unknown (no such cooperative, number, or the
    hash does not start with `prefix`: the same answer, so nothing is confirmed by guessing)."""
    prefix = prefix.lower()
    if len(prefix) < HASH_PREFIX_MIN or any(c not in "0123456789abcdef" for c in prefix):
        return None
    cooperative = Cooperative.objects.filter(code=cooperative_code).first()
    if cooperative is None:
        return None
    check = entry_check(cooperative, number)
    if check is None or not check.hash.startswith(prefix):
        return None
    transaction = (
        CounterTransaction.objects.filter(cooperative=cooperative)
        .filter(Q(entry__number=number) | Q(approval__entry__number=number))
        .first()
    )
    amount = transaction.amount if transaction else check.total
    if transaction and transaction.account_label:
        masked = mask_reference(transaction.account_label)
    else:
        ref = (JournalLine.objects.filter(cooperative=cooperative, entry__number=number)
               .exclude(subledger_ref="").exclude(subledger_ref__startswith="drawer:")
               .values_list("subledger_ref", flat=True).first())
        masked = mask_reference(ref) if ref else ""
    return PublicCheck(cooperative=cooperative, check=check, amount=amount,
                       masked_account=masked)
