from __future__ import annotations

import pytest
from django.test import Client

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import Account, ApprovalRequest, JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post, manual_entry_submit


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book_counts() -> tuple[int, int, int]:
    """What a refused write must leave unchanged."""
    return JournalEntry.objects.count(), ApprovalRequest.objects.count(), Account.objects.count()


def supervision_reads(user, screen: str) -> int:
    return AuditEvent.objects.filter(actor=user, action=f"supervision.read.{screen}").count()


def post_entry(cooperative, user, amount: int = 150_000_00, description: str = "Setoran modal"):
    return journal_entry_post(
        cooperative=cooperative,
        lines=[LineSpec("1101", debit=amount), LineSpec("3103", credit=amount)],
        description=description,
        acting_user=user,
    )


def queue_entry(cooperative, user, amount: int = 25_000_000_00):
    """An entry above the accountant's limit (Rp10.000.000), so it waits for approval."""
    return manual_entry_submit(
        cooperative=cooperative,
        lines=[LineSpec("1102", debit=amount), LineSpec("2201", credit=amount)],
        description="Pinjaman bank",
        acting_user=user,
    )


@pytest.fixture
def as_user():
    return client_for
