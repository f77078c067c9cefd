"""Member-to-member transfers from the phone, and bank top-ups by virtual account.

Both move money only through the savings app's services (savings_transfer, savings_deposit),
inside one durable transaction of ours that also holds the checks this app adds (daily limit,
the bank's signature and replay protection).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.ledger.models import JournalEntry
from lumbung.members.models import Member
from lumbung.portal.billers import ppob_rules
from lumbung.portal.calculations import signature_matches
from lumbung.portal.models import VirtualAccountTopUp
from lumbung.portal.ppob import require_available, voluntary_account
from lumbung.savings.services import (
    counterpart_by_purpose,
    savings_deposit,
    savings_lock,
    savings_transfer,
)
from lumbung.tenancy.models import Cooperative

VA_MAX_AGE_SECONDS = 5 * 60


@dataclass(frozen=True)
class TransferPreview:
    recipient: Member
    amount: int
    used_today: int
    limit: int


def _transfer_key_prefix(member: Member) -> str:
    return f"portal:transfer:{member.pk}:"


def transferred_today(cooperative: Cooperative, member: Member) -> int:
    """Sen the member has sent to other members on the current business day."""
    total = JournalEntry.objects.filter(
        cooperative=cooperative, date=cooperative.business_date,
        idempotency_key__startswith=_transfer_key_prefix(member),
    ).aggregate(total=Sum("total"))["total"]
    return int(total or 0)


def transfer_preview(
    *, cooperative: Cooperative, member: Member, recipient_number: str, amount: int
) -> TransferPreview:
    """What the member confirms: who receives, how much, what is left of today's limit.
    Raises PORTAL_RECIPIENT_UNKNOWN, PORTAL_TRANSFER_SELF, PORTAL_TRANSFER_LIMIT, BAD_AMOUNT."""
    if not isinstance(amount, int) or amount <= 0:
        raise LumbungError("BAD_AMOUNT", value=amount)
    number = recipient_number.strip()
    recipient = (Member.objects.filter(cooperative=cooperative, number=int(number),
                                       status=Member.Status.MEMBER).first()
                 if number.isdigit() and len(number) <= 9 else None)
    if recipient is None:
        raise LumbungError("PORTAL_RECIPIENT_UNKNOWN", number=number[:12])
    if recipient.pk == member.pk:
        raise LumbungError("PORTAL_TRANSFER_SELF")
    limit = int(ppob_rules()["transfer_daily_limit"])
    used = transferred_today(cooperative, member)
    if used + amount > limit:
        raise LumbungError("PORTAL_TRANSFER_LIMIT", limit=format_rupiah(limit),
                           used=format_rupiah(used))
    try:
        voluntary_account(cooperative, recipient)
    except LumbungError as exc:
        raise LumbungError("PORTAL_RECIPIENT_UNKNOWN", number=number) from exc
    return TransferPreview(recipient=recipient, amount=amount, used_today=used, limit=limit)


def member_transfer(
    *, cooperative: Cooperative, member: Member, recipient_number: str, amount: int,
    client_token: str,
) -> JournalEntry:
    """Send `amount` sen from the member's voluntary account to another member's, after the
    confirmation step. A retry with the same client token returns the first entry. Same
    refusals as transfer_preview, plus PORTAL_INSUFFICIENT. Locks both accounts (pk order),
    then the ledger head."""
    key = f"{_transfer_key_prefix(member)}{client_token[:40]}"
    earlier = JournalEntry.objects.filter(cooperative=cooperative, idempotency_key=key).first()
    if earlier is not None:
        return earlier
    source = voluntary_account(cooperative, member)
    with transaction.atomic(durable=True):
        preview = transfer_preview(cooperative=cooperative, member=member,
                                   recipient_number=recipient_number, amount=amount)
        target = voluntary_account(cooperative, preview.recipient)
        locked = {a.pk: a for a in savings_lock([source, target])}
        # The limit again, now that the sender's account is locked (two phones at once).
        transfer_preview(cooperative=cooperative, member=member,
                         recipient_number=recipient_number, amount=amount)
        require_available(locked[source.pk], amount)
        return savings_transfer(
            cooperative=cooperative, from_account=locked[source.pk],
            to_account=locked[target.pk], amount=amount, acting_user=None, idempotency_key=key,
            description=f"Transfer dari {member.name} (No. {member.number}) ke "
                        f"{preview.recipient.name} (No. {preview.recipient.number})")


# ---------------------------------------------------------------- bank virtual accounts


def va_number(cooperative: Cooperative, member: Member) -> str:
    """The member's virtual account: the bank's prefix, the cooperative, the member number."""
    return f"{settings.LUMBUNG_VA_PREFIX}{cooperative.pk:03d}{member.number or 0:08d}"


def va_topup_receive(
    *, cooperative: Cooperative, body: bytes, signature: str
) -> VirtualAccountTopUp:
    """A bank's callback for a virtual-account payment: check the HMAC-SHA256 signature of the
    raw body and its timestamp, then credit the member's voluntary savings (bank -> savings).

    The body is JSON {"external_id", "va_number", "amount" (sen), "timestamp" (unix seconds)}.
    A replay of the same external_id returns the first top-up and credits nothing. Raises
    PORTAL_VA_SIGNATURE, PORTAL_VA_STALE, PORTAL_VA_UNKNOWN, BAD_INPUT.
    """
    if not signature_matches(settings.LUMBUNG_VA_SECRET, body, signature):
        raise LumbungError("PORTAL_VA_SIGNATURE")
    try:
        data: dict[str, Any] = json.loads(body)
        external_id = str(data["external_id"])[:64]
        number = str(data["va_number"])
        amount = data["amount"]
        timestamp = int(data["timestamp"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LumbungError("BAD_INPUT", detail="isi callback tidak lengkap") from exc
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise LumbungError("BAD_INPUT", detail="jumlah harus bilangan bulat sen > 0")
    sent = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    if abs((timezone.now() - sent).total_seconds()) > VA_MAX_AGE_SECONDS:
        raise LumbungError("PORTAL_VA_STALE", timestamp=timestamp)
    earlier = VirtualAccountTopUp.objects.filter(cooperative=cooperative,
                                                 external_id=external_id).first()
    if earlier is not None:
        return earlier
    prefix = f"{settings.LUMBUNG_VA_PREFIX}{cooperative.pk:03d}"
    member_no = number.removeprefix(prefix)
    member = (Member.objects.filter(cooperative=cooperative, number=int(member_no)).first()
              if number.startswith(prefix) and member_no.isdigit() else None)
    if member is None:
        raise LumbungError("PORTAL_VA_UNKNOWN", va_number=number[:30])
    account = voluntary_account(cooperative, member)
    try:
        with transaction.atomic(durable=True):
            entry = savings_deposit(
                cooperative=cooperative, account=account, amount=amount,
                counterpart=counterpart_by_purpose(cooperative, "bank"), acting_user=None,
                idempotency_key=f"portal:va:{external_id}",
                description=f"Setoran lewat virtual account {number}")
            return VirtualAccountTopUp.objects.create(
                cooperative=cooperative, member=member, external_id=external_id,
                va_number=number, amount=amount, entry_number=entry.number)
    except IntegrityError:
        # The same callback delivered twice at the same moment: the other one won.
        return VirtualAccountTopUp.objects.get(cooperative=cooperative, external_id=external_id)
