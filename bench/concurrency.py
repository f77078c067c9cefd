"""Concurrent posters on PostgreSQL: threads, each with its own connection, real commits.

Scenarios (plain 2-line entries through journal_entry_post, started together on a barrier):
  one      1 poster into one cooperative (the baseline)
  same     16 posters all into the same cooperative: they queue on its LedgerHead row by design
           (gapless numbers and the hash chain need the previous entry)
  spread   16 posters, each into its own cooperative: nothing shared but the server
Reports entries/s over the wall time of the whole scenario and per-posting latency p50/p95/max.
Python threads share one interpreter lock, so on a small machine the client may be the limit;
the figures say what one application process achieves.
"""

from __future__ import annotations

from typing import Any

import bench
from bench.posting import post_many


def run_scenario(pairs: list[tuple[Any, Any]], per_thread: int, offset: int) -> dict[str, Any]:
    """One thread per (cooperative, teller) pair; each posts `per_thread` entries."""

    def base(index: int) -> int:
        return offset + index * 1_000_000

    def warm_up(index: int) -> None:  # connect and warm up
        post_many(*pairs[index], "plain", base(index), 5)

    def step(index: int, i: int) -> None:
        post_many(*pairs[index], "plain", base(index) + 5 + i, 1)

    figures = bench.threaded(len(pairs), per_thread, warm_up, step)
    return {
        "posters": len(pairs),
        "cooperatives": len({c.pk for c, _ in pairs}),
        "entries": figures.pop("operations"),
        "entries_per_s": figures.pop("per_s"),
        **figures,
    }


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=200,
                        help="entries each of the 16 posters makes (the single poster makes "
                             "threads x this many)")
    args = parser.parse_args()
    if args.db != "postgresql":
        parser.error("concurrency is measured on PostgreSQL only")
    bench.django_setup(bench.fresh_database(args.db, "concurrency"))
    from django.db import connection

    from lumbung.ledger.verify import verify_cooperative

    pairs = bench.make_cooperatives(args.threads)
    connection.close()
    n = args.threads
    result: dict[str, Any] = {"measurement": "concurrency", "scenarios": {}}
    result["scenarios"]["one"] = run_scenario(pairs[:1], n * args.per_thread, 0)
    result["scenarios"]["same"] = run_scenario([pairs[0]] * n, args.per_thread, 100_000_000)
    result["scenarios"]["spread"] = run_scenario(pairs, args.per_thread, 200_000_000)
    for cooperative, _ in pairs:
        report = verify_cooperative(cooperative)
        assert report.ok, report.as_dict()
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
