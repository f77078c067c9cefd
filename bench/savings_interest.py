"""Month-end interest for many sukarela accounts (`python -m bench.savings_interest
--accounts 100000`).

Builds one KSP with `--accounts` members, each admitted with a sukarela account holding one
deposit of Rp100.000-Rp50.000.000 made on the 20th (through the services: deposits posted as
multi-line entries of 5,000 accounts, not measured). Then, on the month's last day, runs the
savings accrual step and the month-end interest posting step the way `lumbung eod` does (each
in its own transaction) on the average-daily-balance method, and reports seconds per step,
accounts per second, entries and lines written and peak RSS. `cpu_s` is the process's CPU time
(SQLite runs in-process), the figure to read on a machine shared with other work.
Issue 3's target: 100,000 accounts in at most 60 s on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import bench

NAME = "savings_interest"
BATCH = 5000
# Accounts per opening-deposit entry, as periodic.CHUNK posts interest.
DEPOSITS_PER_ENTRY = 5000


def build(cooperative: Any, accounts: int, seed: int) -> None:
    """Members (bulk rows), their sukarela accounts, and one deposit each through the ledger."""
    from lumbung.ledger.services import LineSpec, journal_entry_post
    from lumbung.members.models import Member
    from lumbung.savings.models import SavingsAccount, SavingsProduct

    rng = random.Random(seed)
    today = cooperative.business_date
    product = SavingsProduct.objects.get(cooperative=cooperative, kind="sukarela")
    product.interest_method = "average"
    product.save(update_fields=["interest_method"])
    Member.objects.bulk_create(
        (Member(cooperative=cooperative, number=i, status=Member.Status.MEMBER,
                nik=f"3375{i:012d}", name=f"Anggota {i}", birth_date=dt.date(1980, 1, 1),
                gender="P", registered_on=today, joined_on=today)
         for i in range(1, accounts + 1)), batch_size=BATCH)
    members = list(Member.objects.filter(cooperative=cooperative).order_by("number")
                   .values_list("pk", flat=True))
    SavingsAccount.objects.bulk_create(
        (SavingsAccount(cooperative=cooperative, member_id=pk, product=product,
                        number=f"SS-{n:06d}", opened_on=today)
         for n, pk in enumerate(members, start=1)), batch_size=BATCH)
    rows = list(SavingsAccount.objects.filter(cooperative=cooperative).order_by("pk")
                .values_list("pk", "member_id"))
    code = product.ledger_account.code
    for start in range(0, len(rows), DEPOSITS_PER_ENTRY):
        lines = [LineSpec(code, credit=rng.randrange(1, 501) * 100_000 * 100, member_id=member,
                          subledger_ref=f"savings:{pk}")
                 for pk, member in rows[start:start + DEPOSITS_PER_ENTRY]]
        journal_entry_post(cooperative=cooperative, lines=[
            LineSpec("1102", debit=sum(line.credit for line in lines)), *lines],
            description="Setoran awal (bench)", source="bench", acting_user=None)


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    bench.django_setup(bench.fresh_database(args.db, NAME))
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from lumbung.ledger.models import JournalEntry, JournalLine
    from lumbung.ledger.verify import verify_cooperative
    from lumbung.savings import periodic
    from lumbung.tenancy.models import Cooperative

    [(cooperative, _teller)] = bench.make_cooperatives(1, prefix="savingsbench")
    build_s, _ = bench.timed(lambda: build(cooperative, args.accounts, args.seed))
    month_end = dt.date(2026, 11, 30)
    Cooperative.objects.filter(pk=cooperative.pk).update(business_date=month_end)
    cooperative.refresh_from_db()
    lines_before = JournalLine.objects.filter(cooperative=cooperative).count()
    entries_before = JournalEntry.objects.filter(cooperative=cooperative).count()
    result: dict[str, Any] = {"measurement": NAME, "accounts": args.accounts,
                              "build_s": round(build_s, 1), "steps": {}}
    started, cpu_started = time.perf_counter(), time.process_time()
    for name, step in (("savings.accrual", periodic.interest_accrue),
                       ("savings.interest_posting", periodic.interest_post)):
        with CaptureQueriesContext(connection) as captured:
            begun, cpu_begun = time.perf_counter(), time.process_time()
            with transaction.atomic(durable=True):
                output = step(cooperative=cooperative, business_date=month_end,
                              acting_user=None)
            seconds = time.perf_counter() - begun
        result["steps"][name] = {"seconds": round(seconds, 2),
                                 "cpu_s": round(time.process_time() - cpu_begun, 2),
                                 "statements": len(captured.captured_queries),
                                 "output": output}
    total = time.perf_counter() - started
    result.update(
        seconds=round(total, 1), cpu_s=round(time.process_time() - cpu_started, 1),
        accounts_per_s=round(args.accounts / total),
        entries=JournalEntry.objects.filter(cooperative=cooperative).count() - entries_before,
        lines=JournalLine.objects.filter(cooperative=cooperative).count() - lines_before,
    )
    result["verify_ok"] = verify_cooperative(cooperative).ok
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
