"""The statements one posting costs, in plain parameterized SQL on the driver's own cursor.

`services.journal_entry_post` decides *what* to write; this module writes it, inside the
caller's transaction (Django's `atomic` still opens and commits it). A posting is the hottest
path in the system: measured in bench/, Django's cursor wrappers (async-safety checks, the
placeholder rewrite, debug hooks) cost three times SQLite's own work, so these statements go to
the DB-API cursor directly. The price: they do not appear in Django's query log or in
`assertNumQueries`; bench/ counts them instead.

Per posting: read the accounts (1); read the chain head under lock, with the business date and
the last closed day (1); then insert the entry and its lines, add to the account and sub-ledger
balances and move the head -- on PostgreSQL sent as one pipeline, a single round trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone

from lumbung.core.dates import as_date


@dataclass(frozen=True)
class HeadState:
    last_number: int
    last_hash: str
    business_date: dt.date
    # End of the latest closed period: every day up to it is settled.
    closed_through: dt.date | None


@dataclass(frozen=True)
class AccountRow:
    id: int
    code: str
    is_heading: bool
    active: bool
    is_control: bool


@cache
def _sql(statement: str, vendor: str) -> str:
    """Our statements use %s placeholders; sqlite3 wants ?."""
    return statement.replace("%s", "?") if vendor == "sqlite" else statement


CLOSED_THROUGH = (
    "(SELECT MAX(p.end_date) FROM ledger_accountingperiod p "
    "WHERE p.cooperative_id = %s AND p.closed_at IS NOT NULL)"
)


class LedgerWriter:
    """The statements of a posting, on driver cursors of the current transaction."""

    def __init__(self, cursor: Any, entry_cursor: Any, vendor: str) -> None:
        self.cursor = cursor
        # The entry insert gets a cursor of its own, so its id can be read after a batch.
        self.entry_cursor = entry_cursor
        self.vendor = vendor
        self._entry_id = 0

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Send the writes inside as one round trip where the driver can (PostgreSQL pipeline).

        No statement inside may need the result of another before the batch ends.
        """
        if self.vendor == "postgresql":
            with self.cursor.connection.pipeline():
                yield
        else:
            yield

    def _execute(self, statement: str, params: Sequence[Any]) -> None:
        self.cursor.execute(_sql(statement, self.vendor), params)

    def _executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cursor.executemany(_sql(statement, self.vendor), rows)

    def accounts_by_code(self, cooperative_id: int, codes: Sequence[str]) -> dict[str, AccountRow]:
        placeholders = ", ".join(["%s"] * len(codes))
        self._execute(
            "SELECT id, code, is_heading, active, is_control FROM ledger_account "
            f"WHERE cooperative_id = %s AND code IN ({placeholders})",
            [cooperative_id, *codes],
        )
        return {
            row[1]: AccountRow(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]))
            for row in self.cursor.fetchall()
        }

    def lock_head(self, cooperative_id: int) -> HeadState:
        """Lock the cooperative's chain head until the outermost commit; read what posting needs."""
        lock = " FOR UPDATE OF h" if self.vendor == "postgresql" else ""
        self._execute(
            f"SELECT h.last_number, h.last_hash, c.business_date, {CLOSED_THROUGH} "
            "FROM ledger_ledgerhead h JOIN tenancy_cooperative c ON c.id = h.cooperative_id "
            f"WHERE h.cooperative_id = %s{lock}",
            [cooperative_id, cooperative_id],
        )
        number, last_hash, business_date, closed = self.cursor.fetchone()
        closed_through = as_date(closed) if closed else None
        return HeadState(number, last_hash, as_date(business_date), closed_through)

    def closed_through(self, cooperative_id: int) -> dt.date | None:
        """End of the latest closed period (no lock), for checks before a request is queued."""
        self._execute(f"SELECT {CLOSED_THROUGH}", [cooperative_id])
        value = self.cursor.fetchone()[0]
        return as_date(value) if value else None

    def entry_id_for_key(self, cooperative_id: int, key: str) -> int | None:
        self._execute(
            "SELECT id FROM ledger_journalentry WHERE cooperative_id = %s AND idempotency_key = %s",
            [cooperative_id, key],
        )
        row = self.cursor.fetchone()
        return row[0] if row else None

    def is_reversed(self, entry_id: int) -> bool:
        self._execute("SELECT 1 FROM ledger_journalentry WHERE reverses_id = %s", [entry_id])
        return self.cursor.fetchone() is not None

    def insert_entry(self, values: dict[str, Any]) -> dt.datetime:
        """Insert one journal entry row; return its posting time (its id: `inserted_entry_id`)."""
        posted_at = timezone.now()
        row = {**values, "posted_at": connection.ops.adapt_datetimefield_value(posted_at)}
        columns = ", ".join(row)
        placeholders = ", ".join(["%s"] * len(row))
        self.entry_cursor.execute(
            _sql(
                f"INSERT INTO ledger_journalentry ({columns}) VALUES ({placeholders}) RETURNING id",
                self.vendor,
            ),
            list(row.values()),
        )
        if self.vendor != "postgresql":
            # Outside a pipeline the id is read at once: an unread RETURNING statement would
            # stay open in SQLite while the other writes run, which slows them markedly.
            self._entry_id = int(self.entry_cursor.fetchone()[0])
        return posted_at

    def inserted_entry_id(self) -> int:
        if self.vendor != "postgresql":
            return self._entry_id
        return int(self.entry_cursor.fetchone()[0])

    def insert_lines(self, cooperative_id: int, number: int, rows: Sequence[tuple[Any, ...]]
                     ) -> None:
        """Insert the lines of entry `number`; rows: (line_no, account_id, debit, credit, date,
        member_id, subledger_ref, memo). In a PostgreSQL pipeline the entry's id is not known
        yet, so the lines find their entry by its number; elsewhere the id is used directly."""
        columns = ("INSERT INTO ledger_journalline (cooperative_id, entry_id, line_no, account_id, "
                   "debit, credit, date, member_id, subledger_ref, memo) ")
        if self.vendor == "postgresql":
            self._executemany(
                columns + "VALUES (%s, (SELECT id FROM ledger_journalentry "
                "WHERE cooperative_id = %s AND number = %s), %s, %s, %s, %s, %s, %s, %s, %s)",
                [(cooperative_id, cooperative_id, number, *row) for row in rows],
            )
        else:
            self._executemany(
                columns + "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(cooperative_id, self._entry_id, *row) for row in rows],
            )

    def add_to_balances(
        self,
        cooperative_id: int,
        per_account: dict[int, tuple[int, int]],
        per_subledger: dict[tuple[int, str], tuple[int, int]],
        day: dt.date,
    ) -> None:
        """Add the entry's sums to the materialized balances, accounts in id order (lock order)."""
        self._executemany(
            "UPDATE ledger_accountbalance SET debit = debit + %s, credit = credit + %s, "
            # last_date only moves forward: a back-dated line leaves it where it is.
            "last_date = CASE WHEN last_date IS NULL OR last_date < %s THEN %s "
            "ELSE last_date END WHERE account_id = %s",
            [(d, c, day, day, account_id) for account_id, (d, c) in sorted(per_account.items())],
        )
        if per_subledger:
            self._executemany(
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

    def move_head(self, cooperative_id: int, number: int, entry_hash: str) -> None:
        self._execute(
            "UPDATE ledger_ledgerhead SET last_number = %s, last_hash = %s "
            "WHERE cooperative_id = %s",
            [number, entry_hash, cooperative_id],
        )


@contextmanager
def writer() -> Iterator[LedgerWriter]:
    """A writer on the default connection's driver cursor (inside whatever transaction is open)."""
    connection.ensure_connection()
    raw = connection.connection
    with closing(raw.cursor()) as cursor, closing(raw.cursor()) as entry_cursor:
        yield LedgerWriter(cursor, entry_cursor, connection.vendor)
