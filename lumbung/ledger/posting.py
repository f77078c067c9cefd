"""The statements one posting costs, in plain parameterized SQL.

`services.journal_entry_post` decides *what* to write; this module writes it. Plain SQL here
because a posting is the hottest path in the system: the ORM's per-query compilation cost more
than the database's work (see bench/). Every function runs inside the caller's transaction.

Per posting: lock the head (1), check closed periods (1), insert the entry (1) and its lines (1),
add to the account balances (1 batch) and sub-ledger balances (1 batch, only when used), move the
head (1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class HeadState:
    last_number: int
    last_hash: str
    business_date: dt.date


@dataclass(frozen=True)
class AccountRow:
    id: int
    code: str
    is_heading: bool
    active: bool
    is_control: bool


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def accounts_by_code(cooperative_id: int, codes: Sequence[str]) -> dict[str, AccountRow]:
    placeholders = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, code, is_heading, active, is_control FROM ledger_account "
            f"WHERE cooperative_id = %s AND code IN ({placeholders})",
            [cooperative_id, *codes],
        )
        return {
            row[1]: AccountRow(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]))
            for row in cursor.fetchall()
        }


def lock_head(cooperative_id: int) -> HeadState:
    """Lock the cooperative's chain head (until the outermost commit); read the business date."""
    lock = " FOR UPDATE OF h" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.last_number, h.last_hash, c.business_date FROM ledger_ledgerhead h "
            "JOIN tenancy_cooperative c ON c.id = h.cooperative_id "
            f"WHERE h.cooperative_id = %s{lock}",
            [cooperative_id],
        )
        number, last_hash, business_date = cursor.fetchone()
    return HeadState(number, last_hash, _date(business_date))


def closed_period_start(cooperative_id: int, day: dt.date) -> dt.date | None:
    """Start of the closed period that makes `day` final, if any.

    A closed month settles every day up to its end, also days of earlier months never closed
    themselves: posting there would change the closed month's balances.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT start_date FROM ledger_accountingperiod WHERE cooperative_id = %s "
            "AND closed_at IS NOT NULL AND end_date >= %s ORDER BY start_date LIMIT 1",
            [cooperative_id, day],
        )
        row = cursor.fetchone()
    return _date(row[0]) if row else None


def is_reversed(entry_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM ledger_journalentry WHERE reverses_id = %s", [entry_id])
        return cursor.fetchone() is not None


def insert_entry(values: dict[str, Any]) -> tuple[int, dt.datetime]:
    """Insert one journal entry row; return its id and posting time."""
    posted_at = timezone.now()
    row = {**values, "posted_at": connection.ops.adapt_datetimefield_value(posted_at)}
    columns = ", ".join(row)
    placeholders = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ledger_journalentry ({columns}) VALUES ({placeholders}) RETURNING id",
            list(row.values()),
        )
        return cursor.fetchone()[0], posted_at


def insert_lines(rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows: (cooperative_id, entry_id, line_no, account_id, debit, credit, date, member_id,
    subledger_ref, memo)."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO ledger_journalline (cooperative_id, entry_id, line_no, account_id, debit, "
            "credit, date, member_id, subledger_ref, memo) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def add_to_balances(
    cooperative_id: int,
    per_account: dict[int, tuple[int, int]],
    per_subledger: dict[tuple[int, str], tuple[int, int]],
    day: dt.date,
) -> None:
    """Add the entry's sums to the materialized balances, accounts in id order (lock order)."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE ledger_accountbalance SET debit = debit + %s, credit = credit + %s, "
            # last_date only moves forward: a back-dated line leaves it where it is.
            "last_date = CASE WHEN last_date IS NULL OR last_date < %s THEN %s ELSE last_date END "
            "WHERE account_id = %s",
            [(d, c, day, day, account_id) for account_id, (d, c) in sorted(per_account.items())],
        )
        if per_subledger:
            cursor.executemany(
                "INSERT INTO ledger_subledgerbalance "
                "(cooperative_id, account_id, ref, debit, credit) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (cooperative_id, account_id, ref) "
                "DO UPDATE SET debit = ledger_subledgerbalance.debit + excluded.debit, "
                "credit = ledger_subledgerbalance.credit + excluded.credit",
                [
                    (cooperative_id, account_id, ref, d, c)
                    for (account_id, ref), (d, c) in sorted(per_subledger.items())
                ],
            )


def move_head(cooperative_id: int, number: int, entry_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgerhead SET last_number = %s, last_hash = %s "
            "WHERE cooperative_id = %s",
            [number, entry_hash, cooperative_id],
        )
