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

import statistics
import threading
import time
from typing import Any

import bench
from bench.posting import post_many


def run_scenario(pairs: list[tuple[Any, Any]], per_thread: int, offset: int) -> dict[str, Any]:
    """One thread per (cooperative, teller) pair; each posts `per_thread` entries."""
    from django.db import connection

    barrier = threading.Barrier(len(pairs) + 1)
    latencies: list[list[float]] = [[] for _ in pairs]
    errors: list[BaseException] = []

    def poster(index: int, cooperative: Any, teller: Any) -> None:
        try:
            base = offset + index * 1_000_000
            post_many(cooperative, teller, "plain", base, 5)  # connect and warm up
            barrier.wait()
            for i in range(per_thread):
                start = time.perf_counter()
                post_many(cooperative, teller, "plain", base + 5 + i, 1)
                latencies[index].append(time.perf_counter() - start)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=poster, args=(i, c, t)) for i, (c, t) in enumerate(pairs)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    flat = sorted(x for per in latencies for x in per)
    total = len(flat)
    return {
        "posters": len(pairs),
        "cooperatives": len({c.pk for c, _ in pairs}),
        "entries": total,
        "seconds": round(seconds, 3),
        "entries_per_s": round(total / seconds, 1),
        "latency_ms_p50": round(1000 * statistics.median(flat), 2),
        "latency_ms_p95": round(1000 * flat[int(0.95 * (total - 1))], 2),
        "latency_ms_max": round(1000 * flat[-1], 2),
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
