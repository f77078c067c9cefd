"""Build the large ledger the trial-balance and verify measurements read (`--lines`, default 1M).

One KSP cooperative whose books hold `--lines` journal lines: 2-line entries spread evenly over
`--days` consecutive business dates ending at the business date, across 40 postable accounts
(two of them sub-ledger control accounts: member savings and member loans). Written in bulk but
honestly:
  - every entry's hash is computed with lumbung.ledger.calculations over its canonical encoding,
    chained from the genesis hash, exactly as journal_entry_post would have;
  - the database rules stay installed and fire for every row (SQLite: row triggers, so each entry
    is inserted before its own lines; PostgreSQL: COPY fires the row triggers and the deferred
    balance triggers run at each batch's commit);
  - AccountBalance, SubledgerBalance and LedgerHead end up as the postings would have left them;
  - one checkpoint per business date (range, count, chain head, Merkle root), as end-of-day does.
One transaction per batch of entries. PostgreSQL is then VACUUM ANALYZEd (what autovacuum would
do soon after such a load); SQLite is left as is (no ANALYZE), as a deployment would be.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from typing import Any

import bench

NAME = "ledger"
BATCH = 10_000
ACCOUNT_COUNT = 40
SAVINGS, LOANS, CASH = "2101", "1110", "1101"
MEMBERS = 3_000

ENTRY_COLUMNS = ("id", "cooperative_id", "number", "date", "description", "source",
                 "idempotency_key", "reverses_id", "maker_id", "approved_by_id", "posted_at",
                 "total", "line_count", "prev_hash", "hash")
LINE_COLUMNS = ("cooperative_id", "entry_id", "line_no", "account_id", "debit", "credit", "date",
                "member_id", "subledger_ref", "memo")


def pick_accounts(cooperative: Any) -> dict[str, int]:
    """Cash, savings and loans plus the first other detail accounts: 40 codes -> ids."""
    from lumbung.ledger.models import Account

    detail = list(Account.objects.filter(cooperative=cooperative, is_heading=False, active=True)
                  .order_by("code").values_list("code", "id", "is_control"))
    chosen = {code: pk for code, pk, _ in detail if code in (CASH, SAVINGS, LOANS)}
    for code, pk, is_control in detail:
        if len(chosen) >= ACCOUNT_COUNT:
            break
        if not is_control:
            chosen.setdefault(code, pk)
    return chosen


class Generator:
    """Deterministic entries: who pays whom, how much, on which date, with which hash."""

    def __init__(self, cooperative: Any, maker_id: int, accounts: dict[str, int],
                 entries: int, days: int, seed: int) -> None:
        self.code = cooperative.code
        self.cooperative_id = cooperative.pk
        self.maker_id = maker_id
        self.accounts = accounts
        self.others = sorted(c for c in accounts if c not in (CASH, SAVINGS, LOANS))
        self.entries = entries
        self.days = days
        self.first_day = bench.BUSINESS_DATE - dt.timedelta(days=days - 1)
        self.random = random.Random(seed)
        self.prev_hash = "0" * 64

    def day_of(self, number: int) -> dt.date:
        return self.first_day + dt.timedelta(days=(number - 1) * self.days // self.entries)

    def lines_of(self, number: int) -> list[tuple[str, int, int, int | None, str]]:
        """(account code, debit, credit, member id, sub-ledger ref) for entry `number`."""
        pick = self.random.random()
        amount = self.random.randrange(1_000, 10_000_000) * 100  # whole rupiah, in sen
        member = self.random.randrange(1, MEMBERS + 1)
        if pick < 0.35:  # deposit
            return [(CASH, amount, 0, None, ""), (SAVINGS, 0, amount, member, f"savings:{member}")]
        if pick < 0.55:  # withdrawal
            return [(SAVINGS, amount, 0, member, f"savings:{member}"), (CASH, 0, amount, None, "")]
        if pick < 0.65:  # loan disbursement
            return [(LOANS, amount, 0, member, f"loan:{member}"), (CASH, 0, amount, None, "")]
        if pick < 0.75:  # instalment
            return [(CASH, amount, 0, None, ""), (LOANS, 0, amount, member, f"loan:{member}")]
        other = self.random.choice(self.others)
        if other[0] in "15":  # assets and expenses are paid out of cash
            return [(other, amount, 0, None, ""), (CASH, 0, amount, None, "")]
        return [(CASH, amount, 0, None, ""), (other, 0, amount, None, "")]

    def entry(self, number: int, entry_id: int) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        from lumbung.ledger import calculations

        day = self.day_of(number)
        lines = self.lines_of(number)
        total = sum(line[1] for line in lines)
        description = f"Transaksi tolok ukur {number}"
        digest = calculations.entry_hash(calculations.HashedEntry(
            cooperative_code=self.code, number=number, date=day, description=description,
            source="teller", reverses_number=None, maker_id=self.maker_id, approved_by_id=None,
            total=total, prev_hash=self.prev_hash,
            lines=[calculations.HashedLine(i, code, debit, credit, member, ref, "")
                   for i, (code, debit, credit, member, ref) in enumerate(lines, start=1)],
        ))
        posted_at = dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC) + dt.timedelta(
            seconds=number % 30_000)
        entry_row = (entry_id, self.cooperative_id, number, day, description, "teller", None,
                     None, self.maker_id, None, posted_at, total, len(lines), self.prev_hash,
                     digest)
        line_rows = [(self.cooperative_id, entry_id, i, self.accounts[code], debit, credit, day,
                      member, ref, "")
                     for i, (code, debit, credit, member, ref) in enumerate(lines, start=1)]
        self.prev_hash = digest
        return entry_row, line_rows


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_batch(engine: str, entries: list[tuple[Any, ...]],
                lines: list[list[tuple[Any, ...]]]) -> None:
    """Insert one batch in one transaction, through the triggers."""
    from django.db import connection, transaction

    entry_sql_cols = ", ".join(ENTRY_COLUMNS)
    line_sql_cols = ", ".join(LINE_COLUMNS)
    with transaction.atomic():
        raw = connection.connection
        if engine == "sqlite":
            # Row triggers check that the previous entry is complete before the next one starts,
            # so each entry goes in followed by its own lines.
            entry_sql = (f"INSERT INTO ledger_journalentry ({entry_sql_cols}) "
                         f"VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})")
            line_sql = (f"INSERT INTO ledger_journalline ({line_sql_cols}) "
                        f"VALUES ({', '.join('?' * len(LINE_COLUMNS))})")
            cursor = raw.cursor()
            for entry_row, line_rows in zip(entries, lines, strict=True):
                cursor.execute(entry_sql, [_sqlite_value(v) for v in entry_row])
                cursor.executemany(line_sql, [[_sqlite_value(v) for v in row]
                                              for row in line_rows])
            cursor.close()
        else:
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY ledger_journalentry ({entry_sql_cols}) FROM STDIN") as cp:
                    for entry_row in entries:
                        cp.write_row(entry_row)
                with cursor.copy(f"COPY ledger_journalline ({line_sql_cols}) FROM STDIN") as cp:
                    for line_rows in lines:
                        for row in line_rows:
                            cp.write_row(row)


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=20261120)
    args = parser.parse_args()
    started = time.perf_counter()

    bench.django_setup(bench.fresh_database(args.db, NAME))
    from django.db import connection, transaction

    from lumbung.ledger import calculations
    from lumbung.ledger.models import AccountBalance, Checkpoint, LedgerHead, SubledgerBalance

    [(cooperative, teller)] = bench.make_cooperatives(1)
    accounts = pick_accounts(cooperative)
    entries = args.lines // 2
    generator = Generator(cooperative, teller.pk, accounts, entries, args.days, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
        first_id = cursor.fetchone()[0] + 1

    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    last_dates: dict[int, dt.date] = {}
    subledgers: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    day_hashes: dict[dt.date, list[tuple[int, str]]] = defaultdict(list)
    hash_seconds = 0.0
    write_seconds = 0.0
    for batch_start in range(1, entries + 1, BATCH):
        batch_entries: list[tuple[Any, ...]] = []
        batch_lines: list[list[tuple[Any, ...]]] = []
        tick = time.perf_counter()
        for number in range(batch_start, min(batch_start + BATCH, entries + 1)):
            entry_row, line_rows = generator.entry(number, first_id + number - 1)
            batch_entries.append(entry_row)
            batch_lines.append(line_rows)
            day_hashes[entry_row[3]].append((number, entry_row[-1]))
            for row in line_rows:
                account_id, debit, credit, day, ref = row[3], row[4], row[5], row[6], row[8]
                sums[account_id][0] += debit
                sums[account_id][1] += credit
                last_dates[account_id] = max(day, last_dates.get(account_id, day))
                if ref:
                    subledgers[(account_id, ref)][0] += debit
                    subledgers[(account_id, ref)][1] += credit
        hash_seconds += time.perf_counter() - tick
        tick = time.perf_counter()
        write_batch(args.db, batch_entries, batch_lines)
        write_seconds += time.perf_counter() - tick

    # Materialized state and end-of-day seals, as the postings and EOD would have left them.
    tick = time.perf_counter()
    with transaction.atomic():
        for account_id, (debit, credit) in sums.items():
            AccountBalance.objects.filter(account_id=account_id).update(
                debit=debit, credit=credit, last_date=last_dates[account_id])
        SubledgerBalance.objects.bulk_create(
            (SubledgerBalance(cooperative=cooperative, account_id=account_id, ref=ref,
                              debit=debit, credit=credit)
             for (account_id, ref), (debit, credit) in subledgers.items()),
            batch_size=2000,
        )
        LedgerHead.objects.filter(cooperative=cooperative).update(
            last_number=entries, last_hash=generator.prev_hash)
        Checkpoint.objects.bulk_create(
            (Checkpoint(cooperative=cooperative, date=day, first_number=pairs[0][0],
                        last_number=pairs[-1][0], entry_count=len(pairs),
                        chain_head=pairs[-1][1],
                        merkle_root=calculations.merkle_root([h for _, h in pairs]))
             for day, pairs in sorted(day_hashes.items())),
            batch_size=500,
        )
    with connection.cursor() as cursor:
        if args.db == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('ledger_journalentry', 'id'), "
                           "(SELECT MAX(id) FROM ledger_journalentry))")
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finish_seconds = time.perf_counter() - tick
    connection.close()
    bench.report(args, {
        "measurement": "dataset",
        "cooperative": cooperative.code,
        "entries": entries,
        "lines": entries * 2,
        "days": args.days,
        "accounts": len(accounts),
        "subledgers": len(subledgers),
        "checkpoints": len(day_hashes),
        "hash_and_generate_s": round(hash_seconds, 1),
        "insert_s": round(write_seconds, 1),
        "finish_s": round(finish_seconds, 1),
        "total_s": round(time.perf_counter() - started, 1),
    })


if __name__ == "__main__":
    main()
