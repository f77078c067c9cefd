from __future__ import annotations

import pytest
from django.db import connections
from django.db.models.signals import post_migrate
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


@pytest.fixture
def ledger_flush_allowed(transactional_db):
    """Let the database flush that ends a transactional test empty the append-only tables.

    The ledger's triggers refuse DELETE and TRUNCATE on journal and audit rows, and a
    live-server test must be transactional, so it ends with a flush. This fixture is torn
    down just before that flush: it lifts the guards on the test connection, and restores
    them on the first post_migrate signal, which Django sends right after the flush.
    """
    yield
    connection = connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            triggers = []
            cursor.execute("SET session_replication_role = replica")

    def restore(**_: object) -> None:
        post_migrate.disconnect(restore, dispatch_uid="ledger_flush_allowed")
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
            if connection.vendor != "sqlite":
                cursor.execute("SET session_replication_role = DEFAULT")

    post_migrate.connect(restore, dispatch_uid="ledger_flush_allowed", weak=False)
