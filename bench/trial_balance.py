"""Trial balance over the large ledger built by bench.dataset (run that first).

lumbung.ledger.selectors.trial_balance for the benchmark cooperative, as of the business date
(answered from the materialized balances) and as of 30 days back (materialized balances minus
the lines dated after that day). Each variant: the first call in this process, then the median
and worst of `--repeat` further calls; statements per call; the tracemalloc peak of one call.
Both variants must balance, and the 30-days-back one must differ from today's.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

import bench
from bench.dataset import NAME

BACK_DAYS = 30


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    bench.django_setup(bench.database_url(args.db, NAME))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lumbung.ledger.models import JournalLine
    from lumbung.ledger.selectors import trial_balance
    from lumbung.tenancy.models import Cooperative

    cooperative = Cooperative.objects.get(code="bench-01")
    lines = JournalLine.objects.filter(cooperative=cooperative).count()
    result: dict[str, Any] = {"measurement": "trial_balance", "lines": lines, "variants": {}}
    totals = {}
    for label, as_of in (("business_date", cooperative.business_date),
                         (f"{BACK_DAYS}_days_back",
                          cooperative.business_date - dt.timedelta(days=BACK_DAYS))):
        timings = []
        for _ in range(args.repeat + 1):
            start = time.perf_counter()
            balance = trial_balance(cooperative=cooperative, as_of=as_of)
            timings.append(1000 * (time.perf_counter() - start))
        assert balance.total_debit == balance.total_credit, balance.as_dict()
        totals[label] = balance.total_debit
        with CaptureQueriesContext(connection) as captured:
            trial_balance(cooperative=cooperative, as_of=as_of)
        with bench.traced_peak() as traced:
            trial_balance(cooperative=cooperative, as_of=as_of)
        later_lines = JournalLine.objects.filter(cooperative=cooperative, date__gt=as_of).count()
        result["variants"][label] = {
            "as_of": as_of.isoformat(),
            "lines_after_as_of": later_lines,
            "first_ms": round(timings[0], 2),
            "median_ms": round(statistics.median(timings[1:]), 2),
            "max_ms": round(max(timings[1:]), 2),
            "queries": len(captured.captured_queries),
            "accounts": len(balance.lines),
            **traced,
        }
    assert totals["business_date"] != totals[f"{BACK_DAYS}_days_back"], totals
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
