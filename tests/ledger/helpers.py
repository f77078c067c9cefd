"""Shared helpers for the ledger and batch tests: raw SQL around Python, and committed tests.

Raw SQL is the point here: the database rules must hold even when Python is bypassed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from lumbung.ledger.models import Account, JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.ledger.sql import install, statements, triggers, uninstall
from lumbung.tenancy.models import Cooperative

ZERO_HASH = "0" * 64
CI = __import__("os").environ.get("CI", "").lower() == "true"

postgres_only = pytest.mark.postgres_only


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def skip_unless_postgres(
    reason: str = "needs PostgreSQL: concurrent writers and row locks (SQLite has one writer)",
) -> None:
    if not is_postgres():
        pytest.skip(reason)


def account_id(cooperative: Cooperative, code: str) -> int:
    return Account.objects.get(cooperative=cooperative, code=code).pk


def post(cooperative: Cooperative, pairs: list[tuple[str, int, int]], *, description: str = "uji",
         date: dt.date | None = None, acting_user: Any = None, **options: Any) -> JournalEntry:
    """Post (account, debit, credit) triples through the service."""
    return journal_entry_post(
        cooperative=cooperative,
        lines=[LineSpec(a, debit=d, credit=c) for a, d, c in pairs],
        description=description,
        date=date,
        acting_user=acting_user,
        **options,
    )


def raw_entry(cursor: Any, cooperative_id: int, *, number: int, day: dt.date, total: int,
              line_count: int, description: str = "mentah") -> int:
    """INSERT one journal entry row with plain SQL; return its id."""
    cursor.execute(
        "INSERT INTO ledger_journalentry (cooperative_id, number, date, description, source, "
        "posted_at, total, line_count, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, 'raw', %s, %s, %s, %s, %s) RETURNING id",
        [cooperative_id, number, day, description, dt.datetime.now(dt.UTC), total, line_count,
         ZERO_HASH, "f" * 64],
    )
    return int(cursor.fetchone()[0])


def raw_line(cursor: Any, cooperative_id: int, *, entry_id: int, line_no: int, account: int,
             debit: int, credit: int, day: dt.date) -> None:
    cursor.execute(
        "INSERT INTO ledger_journalline (cooperative_id, entry_id, line_no, account_id, debit, "
        "credit, date, subledger_ref, memo) VALUES (%s, %s, %s, %s, %s, %s, %s, '', '')",
        [cooperative_id, entry_id, line_no, account, debit, credit, day],
    )


def force_deferred_checks() -> None:
    """PostgreSQL: run the deferred balance triggers now (a `db` test never commits)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])


def drop_rules_raw() -> None:
    """What a rogue administrator does: take the rule triggers away with plain SQL.

    PostgreSQL: the triggers are disabled (ALTER TABLE … DISABLE TRIGGER USER), SQLite has no
    such switch so they are dropped. Inside a `db` test the test's rollback brings them back.
    """
    force_deferred_checks()
    with connection.cursor() as cursor:
        if is_postgres():
            for table in sorted({table for _, table in triggers("postgresql")}):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for name, _ in triggers("sqlite"):
                cursor.execute(f"DROP TRIGGER {name}")


def install_rules_raw() -> None:
    """Install the rules again with a plain cursor (works inside a test transaction)."""
    force_deferred_checks()
    with connection.cursor() as cursor:
        if is_postgres():
            for table in sorted({table for _, table in triggers("postgresql")}):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for statement in statements(connection.vendor):
            cursor.execute(statement)


@contextmanager
def rules_lifted() -> Iterator[None]:
    with connection.schema_editor() as editor:
        uninstall(editor)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            install(editor)


@pytest.fixture
def _rules_back_after_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        install(editor)


@pytest.fixture
def committed_db(_rules_back_after_flush: None, transactional_db: None) -> Iterator[None]:
    """Real commits. Django empties the tables after the test (TRUNCATE / DELETE), which the
    append-only rules refuse, so they are lifted just before that and installed again after."""
    yield
    with connection.schema_editor() as editor:
        uninstall(editor)
