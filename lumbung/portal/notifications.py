"""Notifications of postings to members' accounts on SMS, WhatsApp and e-mail.

The in-app feed needs nothing here: it reads the ledger lines themselves, so no setting can
switch it off. For the outside channels the notifier follows the ledger: it reads the member
lines after its cursor (whoever posted them: the counter, the night run, the app), queues one
Notification per line and chosen channel, and delivers through the message gateway with
retries. It runs in its own process, `lumbung notify --loop` (started by `make run`), after
the postings have committed: neither a posting nor a member's request ever waits for a provider,
and the web process starts no threads of its own.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lumbung.core.money import format_rupiah
from lumbung.ledger.models import JournalLine
from lumbung.portal.gateways import GatewayError, message_gateway
from lumbung.portal.models import MemberCredential, Notification, NotificationCursor
from lumbung.portal.selectors import _signed_for_member
from lumbung.tenancy.models import Cooperative

BATCH = 500
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 30


def _text(cooperative: Cooperative, line: JournalLine) -> str:
    amount = _signed_for_member(line.account.type, line.debit, line.credit)
    sign = "+" if amount > 0 else "-"
    return (f"{cooperative.name}: {line.entry.description[:120]} {sign}"
            f"{format_rupiah(abs(amount))} ({line.account.name}), jurnal #{line.entry.number}, "
            f"{line.date:%d-%m-%Y}.")


def _member_lines_after(cooperative: Cooperative, line_id: int) -> QuerySet[JournalLine]:
    return (JournalLine.objects.filter(cooperative=cooperative, id__gt=line_id,
                                       member_id__isnull=False).exclude(subledger_ref=""))


def notifications_queue(*, cooperative: Cooperative) -> int:
    """Queue messages for member lines after the cursor; returns how many were queued.

    Looks first without a transaction, so a quiet cooperative costs one read, not a write lock
    (the worker asks every cooperative every two seconds)."""
    last = NotificationCursor.objects.filter(cooperative=cooperative).values_list(
        "last_line_id", flat=True).first() or 0
    if not _member_lines_after(cooperative, last).exists():
        return 0
    with transaction.atomic(durable=True):
        cursor, _ = NotificationCursor.objects.select_for_update().get_or_create(
            cooperative=cooperative)
        lines = list(_member_lines_after(cooperative, cursor.last_line_id)
                     .select_related("entry", "account").order_by("id")[:BATCH])
        if not lines:
            return 0
        credentials = {c.member_id: c for c in MemberCredential.objects.filter(
            cooperative=cooperative, member_id__in={line.member_id for line in lines})}
        now, queued = timezone.now(), []
        for line in lines:
            credential = credentials.get(line.member_id or 0)
            if credential is None:
                continue
            channels = [(Notification.Channel.SMS, credential.notify_sms, credential.phone),
                        (Notification.Channel.WHATSAPP, credential.notify_whatsapp,
                         credential.phone),
                        (Notification.Channel.EMAIL, credential.notify_email, credential.email)]
            queued += [Notification(cooperative=cooperative, member_id=credential.member_id,
                                    channel=channel, line_id=line.pk, address=address,
                                    text=_text(cooperative, line)[:500], next_attempt_at=now)
                       for channel, wanted, address in channels if wanted and address]
        Notification.objects.bulk_create(queued, ignore_conflicts=True)
        cursor.last_line_id = lines[-1].pk
        cursor.save(update_fields=["last_line_id"])
    return len(queued)


def notifications_deliver(*, limit: int = 200) -> dict[str, int]:
    """Send what is due; a refused message waits longer each time (30 s, 1 min, 2 min, ...)
    and is given up after MAX_ATTEMPTS."""
    now, gateway = timezone.now(), message_gateway()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = Notification.objects.filter(status=Notification.Status.PENDING,
                                      next_attempt_at__lte=now).order_by("pk")[:limit]
    for note in due:
        try:
            gateway.send(channel=note.channel, address=note.address, text=note.text)
        except (GatewayError, OSError) as exc:
            note.attempts += 1
            note.last_error = str(exc)[:200]
            if note.attempts >= MAX_ATTEMPTS:
                note.status = Notification.Status.FAILED
                counts["failed"] += 1
            else:
                delay = RETRY_BASE_SECONDS * 2 ** (note.attempts - 1)
                note.next_attempt_at = now + dt.timedelta(seconds=delay)
                counts["retry"] += 1
        else:
            note.attempts += 1
            note.status, note.sent_at = Notification.Status.SENT, now
            counts["sent"] += 1
        note.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at",
                                 "last_error"])
    return counts
