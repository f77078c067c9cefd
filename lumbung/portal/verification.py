"""The public check of a receipt: is this entry in the cooperative's chain, unchanged, and
covered by a checkpoint the Dinas holds? No login; the answer shows no personal data (no
names, no accounts): only what the receipt itself already says (number, date, total).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lumbung.ledger import calculations
from lumbung.ledger.models import GENESIS_HASH, Checkpoint, JournalEntry
from lumbung.tenancy.models import Cooperative


@dataclass(frozen=True)
class ReceiptCheck:
    # "valid", "tampered" (in the books but no longer as hashed), "mismatch" (the receipt's
    # fingerprint is not this entry's), "unknown" (no such entry)
    verdict: str
    cooperative: Cooperative | None = None
    number: int | None = None
    date: dt.date | None = None
    total: int | None = None
    checkpoint_date: dt.date | None = None
    checkpoint_office: str = ""


def _recomputed_hash(entry: JournalEntry) -> str:
    lines = [
        calculations.HashedLine(line.line_no, line.account.code, line.debit, line.credit,
                                line.member_id, line.subledger_ref, line.memo)
        for line in entry.lines.select_related("account").order_by("line_no")
    ]
    return calculations.entry_hash(calculations.HashedEntry(
        entry.cooperative.code, entry.number, entry.date, entry.description, entry.source,
        entry.reverses.number if entry.reverses else None, entry.maker_id,
        entry.approved_by_id, entry.total, entry.prev_hash, lines))


def _chain_links(entry: JournalEntry) -> bool:
    """The neighbours agree: the previous entry's hash is our prev_hash, the next one's
    prev_hash is our hash."""
    previous = JournalEntry.objects.filter(cooperative_id=entry.cooperative_id,
                                           number=entry.number - 1).values_list("hash", flat=True)
    expected_prev = previous.first() if entry.number > 1 else GENESIS_HASH
    following = JournalEntry.objects.filter(
        cooperative_id=entry.cooperative_id, number=entry.number + 1,
    ).values_list("prev_hash", flat=True).first()
    return expected_prev == entry.prev_hash and following in (None, entry.hash)


def _covering_checkpoint(entry: JournalEntry) -> Checkpoint | None:
    """The checkpoint whose range holds the entry, if its Merkle root still recomputes."""
    checkpoint = Checkpoint.objects.filter(
        cooperative_id=entry.cooperative_id, first_number__lte=entry.number,
        last_number__gte=entry.number).first()
    if checkpoint is None:
        return None
    hashes = list(JournalEntry.objects.filter(
        cooperative_id=entry.cooperative_id, number__gte=checkpoint.first_number,
        number__lte=checkpoint.last_number).order_by("number").values_list("hash", flat=True))
    if calculations.merkle_root(hashes) != checkpoint.merkle_root:
        return None
    return checkpoint


def receipt_check(*, code: str, number: int, fingerprint: str) -> ReceiptCheck:
    """Judge a receipt by its cooperative code, entry number and hash (from the QR code)."""
    cooperative = Cooperative.objects.select_related("office").filter(code=code).first()
    entry = (JournalEntry.objects.select_related("cooperative", "reverses")
             .filter(cooperative=cooperative, number=number).first() if cooperative else None)
    if entry is None:
        return ReceiptCheck("unknown")
    if entry.hash != fingerprint.lower():
        return ReceiptCheck("mismatch", cooperative=cooperative, number=number)
    if _recomputed_hash(entry) != entry.hash or not _chain_links(entry):
        return ReceiptCheck("tampered", cooperative=cooperative, number=number)
    checkpoint = _covering_checkpoint(entry)
    return ReceiptCheck(
        "valid", cooperative=cooperative, number=number, date=entry.date, total=entry.total,
        checkpoint_date=checkpoint.date if checkpoint else None,
        checkpoint_office=cooperative.office.name if checkpoint and cooperative else "")
