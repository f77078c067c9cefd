"""`lumbung verify` (lumbung.ledger.verify.verify_cooperative) over the large ledger built by
bench.dataset (run that first). It must report ok: every number, balance, hash, materialized
balance, sub-ledger and checkpoint of the generated books recomputes.

Reports the wall time, entries and lines per second, and peak RSS. With `--tracemalloc` it also
traces Python allocations (that roughly doubles the run time, so it is off by default and the
time is not taken from that run).
"""

from __future__ import annotations

import time
from typing import Any

import bench
from bench.dataset import NAME


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    bench.django_setup(bench.database_url(args.db, NAME))
    from django.db import connection

    from lumbung.ledger.verify import verify_cooperative
    from lumbung.tenancy.models import Cooperative

    cooperative = Cooperative.objects.get(code="bench-01")
    start = time.perf_counter()
    report = verify_cooperative(cooperative)
    seconds = time.perf_counter() - start
    assert report.ok, report.as_dict()
    result: dict[str, Any] = {
        "measurement": "verify",
        "ok": report.ok,
        "entries": report.entries,
        "lines": report.lines,
        "checkpoints": report.checkpoints,
        "seconds": round(seconds, 2),
        "lines_per_s": round(report.lines / seconds),
    }
    if args.tracemalloc:
        with bench.traced_peak() as traced:
            assert verify_cooperative(cooperative).ok
        result.update(traced)
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
