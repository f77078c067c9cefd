"""Balance sheet and surplus statement over the large ledger built by bench.dataset.

The months before the business date's month are closed the way the accountant closes them
(final month-end snapshots written by reports.services.month_snapshot_write; not timed), then
lumbung.reports.statements.balance_sheet and surplus_statement for the year to date, each with
its previous-period column, are timed: the first call, then the median and worst of `--repeat`
calls, with the statements' query count; then both again to the 15th of the previous month
(a snapshot plus half a month of lines). Target: each <= 300 ms on 1,000,000 lines.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

import bench
from bench.dataset import NAME


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    bench.django_setup(bench.database_url(args.db, NAME))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lumbung.ledger.models import JournalLine
    from lumbung.reports.services import month_snapshot_write
    from lumbung.reports.statements import balance_sheet, surplus_statement
    from lumbung.tenancy.models import Cooperative

    cooperative = Cooperative.objects.get(code="bench-01")
    lines = JournalLine.objects.filter(cooperative=cooperative).count()
    first = JournalLine.objects.filter(cooperative=cooperative).order_by("date").values_list(
        "date", flat=True).first()
    end = cooperative.business_date
    month = (first or end).replace(day=1)
    snapshots = 0
    while month < end.replace(day=1):
        following = (month + dt.timedelta(days=32)).replace(day=1)
        month_snapshot_write(cooperative=cooperative, month_end=following - dt.timedelta(days=1),
                             final=True)
        snapshots += 1
        month = following
    start = end.replace(month=1, day=1)
    # The 15th of the previous month: half a month of lines after its month-start snapshot.
    middle = (end.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    result: dict[str, Any] = {"measurement": "reports", "lines": lines,
                              "snapshots": snapshots, "variants": {}}
    for label, builder, until in (("balance_sheet", balance_sheet, end),
                                  ("surplus_statement", surplus_statement, end),
                                  ("balance_sheet mid-month", balance_sheet, middle),
                                  ("surplus_statement mid-month", surplus_statement, middle)):
        timings = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            statement = builder(cooperative=cooperative, start=start, end=until)
            timings.append(1000 * (time.perf_counter() - started))
        assert statement.ties_out, statement.as_dict()["checks"]
        with CaptureQueriesContext(connection) as captured:
            builder(cooperative=cooperative, start=start, end=until)
        result["variants"][label] = {
            "from": start.isoformat(), "to": until.isoformat(),
            "first_ms": round(timings[0], 2),
            "median_ms": round(statistics.median(timings[1:]), 2),
            "max_ms": round(max(timings[1:]), 2),
            "queries": len(captured.captured_queries),
        }
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
