from __future__ import annotations

import pytest
from django.db import connections
from django.db.models.signals import post_migrate
from django.test import Client

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import Account, ApprovalRequest, JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post, manual_entry_submit
from lumbung.ledger.sql import EXPECTED_TRIGGERS, install, uninstall
from lumbung.ledger.verify import installed_triggers


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
    """Let the database flush that ends a live-server test empty the append-only tables.

    pytest-django sets up the live server's transactional database before any fixture of ours,
    so no teardown of ours runs after its flush; instead the rules are lifted as this fixture
    ends and installed again by the post_migrate signal Django sends right after the flush.
    The session-end guard below installs them once more in any case.
    """
    yield

    def restore(**_: object) -> None:
        post_migrate.disconnect(dispatch_uid="ledger_flush_allowed")
        with connections["default"].schema_editor() as editor:
            install(editor)

    post_migrate.connect(restore, dispatch_uid="ledger_flush_allowed", weak=False)
    with connections["default"].schema_editor() as editor:
        uninstall(editor)


@pytest.fixture(scope="session", autouse=True)
def _ledger_rules_present_at_the_end(django_db_setup, django_db_blocker):
    """Whatever happened in between, the test database ends with every rule installed."""
    yield
    with django_db_blocker.unblock():
        post_migrate.disconnect(dispatch_uid="ledger_flush_allowed")
        with connections["default"].schema_editor() as editor:
            install(editor)
        assert EXPECTED_TRIGGERS[connections["default"].vendor] <= installed_triggers()
