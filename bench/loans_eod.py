"""The loans nightly run over a large portfolio (`python -m bench.loans_eod --loans 100000`).

Builds one KSP with `--loans` active 12-month loans (bulk inserts, not measured): most paid up
to date, about one in six late by 1 to 400 days. Then runs, for one business day, every
registered loans end-of-day step (order 300-499: penalties, ageing, provisioning, and on a
month end the accrual) the way `lumbung eod` does — each in its own transaction — and reports
seconds per step, loans per second, statements per step (fixed, whatever the portfolio size)
and peak RSS. `nightly_s` is an ordinary night (the monthly accrual, run here too, is apart).
Issue 4's target: a night over 100,000 loans in at most 120 s on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from typing import Any

import bench

NAME = "loans_eod"
MONTHS = 12
BATCH = 5000


def build(cooperative: Any, loans: int, seed: int) -> None:
    """`loans` active flat-12 % loans of Rp1-20 million with their schedules and payments."""
    from django.db import connection

    from lumbung.loans.calculations import schedule
    from lumbung.loans.models import Instalment, Loan, LoanProduct
    from lumbung.loans.services import loan_products_install
    from lumbung.members.models import Member

    rng = random.Random(seed)
    loan_products_install(cooperative=cooperative, acting_user=None)
    product = LoanProduct.objects.get(cooperative=cooperative, code="pinjaman-umum")
    today = cooperative.business_date
    Member.objects.bulk_create(
        (Member(cooperative=cooperative, number=i, status=Member.Status.MEMBER,
                nik=f"3375{i:012d}", name=f"Anggota {i}", birth_date=dt.date(1980, 1, 1),
                gender="P", registered_on=today) for i in range(1, loans + 1)),
        batch_size=BATCH,
    )
    members = list(Member.objects.filter(cooperative=cooperative).order_by("number")
                   .values_list("pk", flat=True))
    schedules: dict[tuple[int, dt.date], list[Any]] = {}
    for start in range(0, loans, BATCH):
        rows, plans = [], []
        for i in range(start, min(start + BATCH, loans)):
            principal = rng.randrange(10, 201) * 100_000 * 100
            begun = today - dt.timedelta(days=rng.randrange(1, 330))
            rows.append(Loan(cooperative=cooperative, number=i + 1, member_id=members[i],
                             product=product, contract="conventional", method="flat",
                             principal=principal, annual_rate=Decimal(12), term_months=MONTHS,
                             status=Loan.Status.ACTIVE, approved_on=begun, disbursed_on=begun))
            # One in six stops paying at some point; the others are paid up to date.
            late = rng.random() < 1 / 6
            plans.append((principal, begun, rng.randrange(0, 400) if late else -1))
        Loan.objects.bulk_create(rows, batch_size=BATCH)
        instalments = []
        for loan, (principal, begun, stopped_days) in zip(rows, plans, strict=True):
            key = (principal, begun)
            plan = schedules.get(key) or schedules.setdefault(key, schedule(
                principal=principal, annual_rate=Decimal(12), months=MONTHS, method="flat",
                start=begun))
            paid_until = today - dt.timedelta(days=stopped_days) if stopped_days >= 0 else today
            for row in plan:
                paid = row.due_date < paid_until
                instalments.append((
                    cooperative.pk, loan.pk, row.n, row.due_date, row.principal, row.interest,
                    row.principal if paid else 0, row.interest if paid else 0,
                    row.due_date if paid else None))
        # A prepared insert: bulk_create's per-object work dominates a million-row build.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Instalment._meta.db_table} (cooperative_id, loan_id, n, due_date, "
                "principal, interest, penalty, principal_paid, interest_paid, penalty_paid, "
                "interest_waived, paid_on) VALUES (%s, %s, %s, %s, %s, %s, 0, %s, %s, 0, 0, %s)",
                instalments)


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    bench.django_setup(bench.fresh_database(args.db, NAME))
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from lumbung.batch.registry import load_step_modules, ordered_steps
    from lumbung.loans.models_quality import PortfolioSnapshot

    [(cooperative, _teller)] = bench.make_cooperatives(1, prefix="loanbench")
    build_s, _ = bench.timed(lambda: build(cooperative, args.loans, args.seed))
    load_step_modules()
    steps = [s for s in ordered_steps() if 300 <= s.order < 500]
    day = cooperative.business_date
    result: dict[str, Any] = {"measurement": "loans_eod", "loans": args.loans,
                              "build_s": round(build_s, 1), "steps": {}}
    started = time.perf_counter()
    for step in steps:
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            with transaction.atomic(durable=True):
                output = step.function(cooperative=cooperative, business_date=day,
                                       acting_user=None)
            seconds = time.perf_counter() - begun
        result["steps"][step.name] = {"seconds": round(seconds, 2),
                                      "statements": len(captured.captured_queries),
                                      "output": output}
    total = time.perf_counter() - started
    nightly = sum(result["steps"][s.name]["seconds"] for s in steps if not s.monthly)
    snapshot = PortfolioSnapshot.objects.get(cooperative=cooperative, date=day)
    result.update(seconds=round(total, 1), nightly_s=round(nightly, 1),
                  nightly_loans_per_s=round(args.loans / nightly),
                  npl=snapshot.npl, outstanding=snapshot.outstanding,
                  provision_required=snapshot.provision_required)
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
