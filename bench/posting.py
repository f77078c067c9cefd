"""Posting throughput through journal_entry_post, one process, one cooperative, real commits.

Four shapes of 2-line entry, each posted `--entries` times after `--warmup` unmeasured ones:
  plain      Kas against an income or expense account, no idempotency key
  keyed      the same with an idempotency key (as the API and teller screens send)
  subledger  a teller deposit: Kas against member savings (a control account) naming the
             member's sub-ledger, with an idempotency key
  batched    plain entries, 100 per durable transaction, as an end-of-day step posts them
             (every other shape commits each entry on its own, as a teller's counter does)
Then SQL statements per posting (CaptureQueriesContext over a few postings of each shape) and
the tracemalloc peak over a short extra run.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import bench

SHAPES = ("plain", "keyed", "subledger", "batched")
BATCH = 100
# Plain entries alternate between these (debit, credit) pairs so more than one balance row moves.
PLAIN_PAIRS = [("1101", "4101"), ("1101", "4102"), ("5303", "1101"), ("1101", "4909"),
               ("5306", "1101"), ("1102", "4902")]


def entry_lines(shape: str, i: int) -> tuple[list[Any], str | None]:
    """The lines and idempotency key of the i-th posting of a shape (deterministic)."""
    from lumbung.ledger.services import LineSpec

    amount = 10_000 + (i * 7919) % 5_000_000  # sen
    if shape == "subledger":
        ref = f"savings:{1 + i % 500}"
        lines = [LineSpec("1101", debit=amount),
                 LineSpec("2101", credit=amount, member_id=1 + i % 500, subledger_ref=ref)]
    else:
        debit, credit = PLAIN_PAIRS[i % len(PLAIN_PAIRS)]
        lines = [LineSpec(debit, debit=amount), LineSpec(credit, credit=amount)]
    key = None if shape == "plain" else f"{shape}-{i}"
    return lines, key


def post_many(cooperative: Any, teller: Any, shape: str, start: int, count: int) -> None:
    from django.db import transaction

    from lumbung.ledger.services import journal_entry_post

    if shape == "batched":
        for first in range(start, start + count, BATCH):
            with transaction.atomic(durable=True):
                for i in range(first, min(first + BATCH, start + count)):
                    lines, _ = entry_lines("plain", i)
                    journal_entry_post(cooperative=cooperative, lines=lines,
                                       description=f"Tolok ukur {i}", source="eod",
                                       acting_user=teller)
        return
    for i in range(start, start + count):
        lines, key = entry_lines(shape, i)
        journal_entry_post(cooperative=cooperative, lines=lines, description=f"Tolok ukur {i}",
                           source="teller", idempotency_key=key, acting_user=teller)


def count_queries(cooperative: Any, teller: Any, shape: str, start: int, count: int
                  ) -> tuple[float, dict[str, int]]:
    """Statements per posting, and which kinds (first word of the SQL) they are.

    Django's query log sees the ORM statements and BEGIN/COMMIT; the posting statements go to
    the driver cursor (lumbung.ledger.posting.LedgerWriter), so they are counted there.
    """
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lumbung.ledger.posting import LedgerWriter

    statements: list[str] = []
    execute, executemany = LedgerWriter._execute, LedgerWriter._executemany

    def counted_execute(self: Any, sql: str, params: Any) -> None:
        statements.append(sql)
        execute(self, sql, params)

    def counted_executemany(self: Any, sql: str, rows: Any) -> None:
        statements.append(sql)
        executemany(self, sql, rows)

    with CaptureQueriesContext(connection) as captured, \
            mock.patch.object(LedgerWriter, "_execute", counted_execute), \
            mock.patch.object(LedgerWriter, "_executemany", counted_executemany):
        post_many(cooperative, teller, shape, start, count)
    all_sql = [query["sql"] for query in captured.captured_queries] + statements
    kinds = Counter(sql.split(None, 1)[0].upper() for sql in all_sql)
    return len(all_sql) / count, dict(sorted(kinds.items()))


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()

    bench.django_setup(bench.fresh_database(args.db, "posting"))
    from django.db import connection

    from lumbung.ledger.models import JournalEntry
    from lumbung.ledger.verify import verify_cooperative

    [(cooperative, teller)] = bench.make_cooperatives(1)
    result: dict[str, Any] = {"measurement": "posting", "entries": args.entries,
                              "warmup": args.warmup, "shapes": {}}
    next_index = 0
    for shape in args.shapes.split(","):
        post_many(cooperative, teller, shape, next_index, args.warmup)
        next_index += args.warmup
        start = time.perf_counter()
        post_many(cooperative, teller, shape, next_index, args.entries)
        seconds = time.perf_counter() - start
        next_index += args.entries
        per_posting, kinds = count_queries(cooperative, teller, shape, next_index, 20)
        next_index += 20
        with bench.traced_peak() as traced:
            post_many(cooperative, teller, shape, next_index, 200)
        next_index += 200
        result["shapes"][shape] = {
            "seconds": round(seconds, 3),
            "entries_per_s": round(args.entries / seconds, 1),
            "ms_per_entry": round(1000 * seconds / args.entries, 3),
            "queries_per_posting": per_posting,
            "query_kinds_per_20": kinds,
            **traced,
        }
    posted = JournalEntry.objects.filter(cooperative=cooperative).count()
    assert posted == next_index, (posted, next_index)
    report = verify_cooperative(cooperative)
    assert report.ok, report.as_dict()
    result["verified_entries"] = report.entries
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
