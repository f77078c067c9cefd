"""The database itself refuses what would break the books, even when Python is bypassed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import AccountingPeriod, Checkpoint, JournalEntry, JournalLine
from lumbung.ledger.services import checkpoint_create, period_close
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import (
    account_id,
    count,
    force_deferred_checks,
    is_postgres,
    post,
    postgres_only,
    raw_entry,
    raw_line,
    skip_unless_postgres,
)


def _refused(sql: str, params: list[object] | None = None) -> str:
    """Run `sql` in a savepoint; it must fail. Return the database's message."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params or [])
        force_deferred_checks()
    return str(caught.value)


@pytest.fixture
def books(city):
    entry = post(city.coop_a, [("1101", 250_000_00, 0), ("3103", 0, 250_000_00)])
    checkpoint_create(cooperative=city.coop_a, date=BUSINESS_DATE, acting_user=None)
    force_deferred_checks()
    return entry


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("ledger_journalentry", "description", "'diubah'"),
        ("ledger_journalentry", "total", "1"),
        ("ledger_journalline", "debit", "debit + 100"),
        ("ledger_journalline", "memo", "'diubah'"),
        ("ledger_checkpoint", "merkle_root", "'00'"),
        ("audit_auditevent", "action", "'hapus.jejak'"),
    ],
)
def test_it_refuses_raw_updates_of_append_only_rows(city, books, table, column, value):
    before = count(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")
        stored = cursor.fetchall()
    message = _refused(f"UPDATE {table} SET {column} = {value}")
    assert "LEDGER_APPEND_ONLY" in message
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")
        assert cursor.fetchall() == stored
    assert count(table) == before


@pytest.mark.parametrize(
    "table", ["ledger_journalline", "ledger_journalentry", "ledger_checkpoint", "audit_auditevent"]
)
def test_it_refuses_raw_deletes_of_append_only_rows(city, books, table):
    before = count(table)
    assert before > 0
    message = _refused(f"DELETE FROM {table}")
    assert "LEDGER_APPEND_ONLY" in message
    assert count(table) == before


@postgres_only
@pytest.mark.parametrize(
    "table", ["ledger_journalline", "ledger_journalentry", "ledger_checkpoint", "audit_auditevent"]
)
def test_it_refuses_truncate_on_postgresql(city, books, table):
    skip_unless_postgres("TRUNCATE is PostgreSQL's; SQLite has no such statement")
    before = count(table)
    message = _refused(f"TRUNCATE {table} CASCADE")
    assert "LEDGER_APPEND_ONLY" in message
    assert count(table) == before
    assert JournalEntry.objects.count() == 1 and JournalLine.objects.count() == 2


def _insert_entry_with_lines(city, lines, *, total, line_count, cooperative=None, day=None):
    cooperative = cooperative or city.coop_a
    day = day or BUSINESS_DATE
    with connection.cursor() as cursor:
        entry_id = raw_entry(cursor, cooperative.pk, number=1, day=day, total=total,
                             line_count=line_count)
        for line_no, (account, debit, credit) in enumerate(lines, start=1):
            raw_line(cursor, cooperative.pk, entry_id=entry_id, line_no=line_no, account=account,
                     debit=debit, credit=credit, day=day)
    force_deferred_checks()


def _refused_insert(city, lines, **kwargs) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        _insert_entry_with_lines(city, lines, **kwargs)
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0
    return str(caught.value)


def test_it_accepts_a_balanced_raw_entry(city):
    cash, capital = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    _insert_entry_with_lines(city, [(cash, 700, 0), (capital, 0, 700)], total=700, line_count=2)
    assert list(JournalLine.objects.values_list("debit", "credit")) == [(700, 0), (0, 700)]


@pytest.mark.parametrize(
    ("amounts", "total"),
    [
        ([(100_00, 0), (0, 99_99)], 100_00),  # credits short
        ([(100_00, 0), (0, 100_00)], 90_00),  # lines do not match the entry total
        ([(100_00, 0), (100_00, 0)], 100_00),  # two debits
        ([(0, 100_00), (0, 100_00)], 200_00),  # only credits
    ],
)
def test_it_refuses_an_unbalanced_raw_entry(city, amounts, total):
    cash, capital = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    lines = [(cash, *amounts[0]), (capital, *amounts[1])]
    message = _refused_insert(city, lines, total=total, line_count=2)
    assert "LEDGER_UNBALANCED" in message


def test_it_refuses_a_line_added_after_its_entry_was_checked_complete(city):
    # The balance check remembers the entry it summed; a line arriving after that check (here
    # after the deferred checks ran mid-transaction) must still be caught, on both engines.
    cash, capital = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    _insert_entry_with_lines(city, [(cash, 700, 0), (capital, 0, 700)], total=700, line_count=2)
    entry_id = JournalEntry.objects.get().pk
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=3, account=capital, debit=0,
                 credit=700, day=BUSINESS_DATE)
        force_deferred_checks()
    assert "LEDGER_UNBALANCED" in str(caught.value)
    assert JournalLine.objects.count() == 2


def test_it_refuses_an_entry_claiming_a_single_line(city):
    cash = account_id(city.coop_a, "1101")
    message = _refused_insert(city, [(cash, 100, 0)], total=100, line_count=1)
    assert "LEDGER_UNBALANCED" in message


def test_it_refuses_an_entry_with_fewer_lines_than_it_claims(city):
    cash, capital = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    if is_postgres():
        message = _refused_insert(city, [(cash, 100, 0)], total=100, line_count=3)
        assert "LEDGER_UNBALANCED" in message
        return
    # SQLite checks the missing line when the next entry arrives (and at COMMIT, see below).
    with transaction.atomic():
        _insert_entry_with_lines(city, [(cash, 100, 0), (capital, 0, 100)], total=100,
                                 line_count=3)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check(ledger_entry_open)")
            assert len(cursor.fetchall()) == 1
        message = _refused(
            "INSERT INTO ledger_journalentry (cooperative_id, number, date, description, source, "
            "posted_at, total, line_count, prev_hash, hash) "
            "VALUES (%s, 2, %s, 'x', 'raw', %s, 5, 2, 'a', 'b')",
            [city.coop_a.pk, BUSINESS_DATE, dt.datetime.now(dt.UTC)],
        )
        assert "LEDGER_UNBALANCED" in message
        transaction.set_rollback(True)
    assert JournalEntry.objects.count() == 0


def test_it_refuses_to_commit_an_entry_with_a_missing_line(committed_db):
    from tests.conftest import build_city

    city = build_city()
    cash = account_id(city.coop_a, "1101")
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        entry_id = raw_entry(cur, city.coop_a.pk, number=1, day=BUSINESS_DATE, total=100,
                             line_count=2)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=1, account=cash, debit=100,
                 credit=0, day=BUSINESS_DATE)
    # PostgreSQL names our rule; SQLite can only fail the COMMIT on its deferred foreign key.
    expected = "LEDGER_UNBALANCED" if is_postgres() else "FOREIGN KEY constraint failed"
    assert expected in str(caught.value)
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0


def test_it_refuses_to_commit_an_unbalanced_entry(committed_db):
    from tests.conftest import build_city

    city = build_city()
    cash, capital = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        entry_id = raw_entry(cur, city.coop_a.pk, number=1, day=BUSINESS_DATE, total=100,
                             line_count=2)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=1, account=cash, debit=100,
                 credit=0, day=BUSINESS_DATE)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=2, account=capital, debit=0,
                 credit=90, day=BUSINESS_DATE)
    assert "LEDGER_UNBALANCED" in str(caught.value)
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0
    # The same balanced entry commits.
    with transaction.atomic(), connection.cursor() as cur:
        entry_id = raw_entry(cur, city.coop_a.pk, number=1, day=BUSINESS_DATE, total=100,
                             line_count=2)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=1, account=cash, debit=100,
                 credit=0, day=BUSINESS_DATE)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=2, account=capital, debit=0,
                 credit=100, day=BUSINESS_DATE)
    assert JournalLine.objects.count() == 2


def test_it_refuses_a_line_on_another_cooperatives_account(city):
    cash_a = account_id(city.coop_a, "1101")
    cash_b = account_id(city.coop_b, "1101")
    message = _refused_insert(city, [(cash_a, 100, 0), (cash_b, 0, 100)], total=100, line_count=2)
    assert "LEDGER_TENANT" in message


def test_it_refuses_a_line_claiming_another_cooperative(city):
    cash_a, capital_a = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        entry_id = raw_entry(cur, city.coop_a.pk, number=1, day=BUSINESS_DATE, total=100,
                             line_count=2)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=1, account=cash_a, debit=100,
                 credit=0, day=BUSINESS_DATE)
        raw_line(cur, city.coop_b.pk, entry_id=entry_id, line_no=2, account=capital_a, debit=0,
                 credit=100, day=BUSINESS_DATE)
    assert "LEDGER_TENANT" in str(caught.value)
    assert JournalEntry.objects.count() == 0


def test_it_refuses_a_raw_entry_dated_in_a_closed_period(city):
    period_close(cooperative=city.coop_a, month=dt.date(2026, 10, 1), acting_user=None)
    cash, capital = account_id(city.coop_a, "1101"), account_id(city.coop_a, "3103")
    message = _refused_insert(city, [(cash, 100, 0), (capital, 0, 100)], total=100, line_count=2,
                              day=dt.date(2026, 10, 31))
    assert "LEDGER_PERIOD_CLOSED" in message
    # The day after the closed month is open.
    _insert_entry_with_lines(city, [(cash, 100, 0), (capital, 0, 100)], total=100, line_count=2,
                             day=dt.date(2026, 11, 1))
    assert JournalEntry.objects.count() == 1


def test_it_never_reopens_or_deletes_a_closed_period(city):
    period = period_close(cooperative=city.coop_a, month=dt.date(2026, 10, 1), acting_user=None)
    closed_at = period.closed_at
    assert "LEDGER_PERIOD_CLOSED" in _refused(
        "UPDATE ledger_accountingperiod SET closed_at = NULL WHERE id = %s", [period.pk])
    assert "LEDGER_PERIOD_CLOSED" in _refused(
        "UPDATE ledger_accountingperiod SET end_date = start_date WHERE id = %s", [period.pk])
    assert "LEDGER_PERIOD_CLOSED" in _refused(
        "DELETE FROM ledger_accountingperiod WHERE id = %s", [period.pk])
    period.refresh_from_db()
    assert period.closed_at == closed_at
    assert period.end_date == dt.date(2026, 10, 31)


def test_it_lets_an_open_period_be_deleted(city):
    period = AccountingPeriod.objects.create(
        cooperative=city.coop_a, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_accountingperiod WHERE id = %s", [period.pk])
    assert not AccountingPeriod.objects.filter(pk=period.pk).exists()


def test_it_keeps_the_rows_the_refusals_protect(city, books):
    assert JournalEntry.objects.count() == 1
    assert Checkpoint.objects.count() == 1
    assert AuditEvent.objects.filter(action="ledger.checkpoint.created").count() == 1
