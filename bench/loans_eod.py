"""The loans nightly run over a large portfolio (`python -m bench.loans_eod --loans 100000`).

Builds one KSP with `--loans` active 12-month loans (not measured): most paid up to date, about
one in six late by 1 to 400 days; each loan's outstanding principal on its ledger sub-ledger
(entries of 100 loans). `--autodebit-share` of the loans (default half) carry a standing
instruction on a sukarela account: up to date, the account holds two instalments; late, the
account ran dry (only its minimum balance), but one in ten has since received less than an
instalment (the night takes what is there). Then runs, for one business day, every
registered loans end-of-day step (order 300-499: collection by credit and auto-debit, penalties,
ageing, provisioning, and on a month end the accrual) the way `lumbung eod` does — each in its
own transaction — and reports seconds per step, loans per second, statements per step, the
auto-debit postings, peak RSS after the build and after the night, and whether `lumbung verify`
still passes. `nightly_s` is an ordinary night (the monthly accrual, run here too, is apart).
Issue 4's target: a night over 100,000 loans in at most 120 s (SQLite; the same bar is shown for
PostgreSQL).
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
# Sub-ledger lines per build entry (small entries keep SQLite's balance guard cheap).
LINES_PER_ENTRY = 100
TARGET_S = 120.0


def _post_in_chunks(cooperative: Any, counter_code: str, lines: list[Any], description: str,
                    counter_is_debit: bool) -> None:
    """Post `lines` (one side of each) in entries of LINES_PER_ENTRY, each balanced by one line
    on `counter_code`."""
    from lumbung.ledger.services import LineSpec, journal_entry_post

    for start in range(0, len(lines), LINES_PER_ENTRY):
        chunk = lines[start:start + LINES_PER_ENTRY]
        total = sum(line.debit + line.credit for line in chunk)
        counter = (LineSpec(counter_code, debit=total) if counter_is_debit
                   else LineSpec(counter_code, credit=total))
        journal_entry_post(cooperative=cooperative, lines=[counter, *chunk],
                           description=description, source="bench", acting_user=None)


def build(cooperative: Any, loans: int, seed: int, autodebit_share: float) -> dict[str, int]:
    """`loans` active flat-12 % loans of Rp1-20 million with their schedules, payments, ledger
    balances and (for `autodebit_share` of them) a funded standing instruction."""
    from django.db import connection

    from lumbung.ledger.selectors import account_codes_by_purpose
    from lumbung.ledger.services import LineSpec
    from lumbung.loans.calculations import schedule
    from lumbung.loans.models import Instalment, Loan, LoanProduct
    from lumbung.loans.services import loan_products_install
    from lumbung.members.models import Member
    from lumbung.savings.models import SavingsAccount, SavingsProduct

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
    # loan pk -> (member pk, outstanding principal, instalment, late)
    built: dict[int, tuple[int, int, int, bool]] = {}
    for start in range(0, loans, BATCH):
        rows, plans = [], []
        for i in range(start, min(start + BATCH, loans)):
            principal = rng.randrange(10, 201) * 100_000 * 100
            begun = today - dt.timedelta(days=rng.randrange(1, 330))
            loan = Loan(cooperative=cooperative, number=i + 1, member_id=members[i],
                        product=product, contract="conventional", method="flat",
                        principal=principal, annual_rate=Decimal(12), term_months=MONTHS,
                        status=Loan.Status.ACTIVE, approved_on=begun, disbursed_on=begun)
            loan.take_terms(product)
            rows.append(loan)
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
            outstanding = sum(row.principal for row in plan if row.due_date >= paid_until)
            built[loan.pk] = (loan.member_id, outstanding, plan[0].total, stopped_days >= 0)
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

    codes = account_codes_by_purpose(cooperative=cooperative,
                                     purposes={"loans_members", "cash", "bank"})
    _post_in_chunks(cooperative, codes["bank"], [
        LineSpec(codes["loans_members"], debit=outstanding, member_id=member,
                 subledger_ref=f"loan:{pk}")
        for pk, (member, outstanding, _total, _late) in built.items() if outstanding
    ], "Saldo awal pinjaman (bench)", counter_is_debit=False)

    sukarela = SavingsProduct.objects.get(cooperative=cooperative, kind="sukarela")
    chosen = [pk for pk in built if rng.random() < autodebit_share]
    SavingsAccount.objects.bulk_create(
        (SavingsAccount(cooperative=cooperative, member_id=built[pk][0], product=sukarela,
                        number=f"SI-{n:06d}", opened_on=today)
         for n, pk in enumerate(chosen, start=1)), batch_size=BATCH)
    accounts = dict(SavingsAccount.objects.filter(cooperative=cooperative, product=sukarela)
                    .values_list("member_id", "pk"))
    deposits = []
    for pk in chosen:
        member, _outstanding, instalment, late = built[pk]
        # Up to date: two instalments in the account. Late: the account ran dry (only the
        # minimum balance); one in ten has since received less than an instalment.
        balance = (2 * instalment if not late
                   else rng.randrange(1, instalment // 100) * 100 if rng.random() < 0.1 else 0)
        deposits.append(LineSpec(sukarela.ledger_account.code,
                                 credit=sukarela.minimum_balance + balance, member_id=member,
                                 subledger_ref=f"savings:{accounts[member]}"))
    _post_in_chunks(cooperative, codes["cash"], deposits, "Setoran sukarela (bench)",
                    counter_is_debit=True)
    for start in range(0, len(chosen), BATCH):
        part = chosen[start:start + BATCH]
        Loan.objects.bulk_update(
            [Loan(pk=pk, autodebit_savings_id=accounts[built[pk][0]]) for pk in part],
            ["autodebit_savings_id"], batch_size=BATCH)
    return {"standing_instructions": len(chosen),
            "late_with_instruction": sum(1 for pk in chosen if built[pk][3])}


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--autodebit-share", type=float, default=0.5)
    args = parser.parse_args()
    bench.django_setup(bench.fresh_database(args.db, NAME))
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from lumbung.batch.registry import load_step_modules, ordered_steps
    from lumbung.ledger.verify import verify_cooperative
    from lumbung.loans.models import LoanRepayment
    from lumbung.loans.models_quality import PortfolioSnapshot

    [(cooperative, _teller)] = bench.make_cooperatives(1, prefix="loanbench")
    build_s, built = bench.timed(lambda: build(cooperative, args.loans, args.seed,
                                               args.autodebit_share))
    if args.db == "postgresql":
        # What autovacuum does after such a load (bench/README.md): without statistics the
        # planner takes 100,000 loans for a handful and joins them by nested loops.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    load_step_modules()
    steps = [s for s in ordered_steps() if 300 <= s.order < 500]
    day = cooperative.business_date
    result: dict[str, Any] = {"measurement": "loans_eod", "loans": args.loans,
                              "build_s": round(build_s, 1), **built,
                              "peak_rss_after_build_mib": bench.peak_rss_mib(), "steps": {}}
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
    autodebits = LoanRepayment.objects.filter(cooperative=cooperative, channel="autodebit")
    result.update(seconds=round(total, 1), nightly_s=round(nightly, 1),
                  nightly_loans_per_s=round(args.loans / nightly),
                  autodebit_postings=autodebits.count(),
                  npl=snapshot.npl, outstanding=snapshot.outstanding,
                  provision_required=snapshot.provision_required,
                  peak_rss_after_night_mib=bench.peak_rss_mib())
    result["verify_ok"] = verify_cooperative(cooperative).ok
    accrual = result["steps"].get("loans.accrual", {}).get("seconds", 0)
    result["rows"] = [[
        "loans nightly",
        f"{result['nightly_s']} s for {args.loans:,} loans ({result['nightly_loans_per_s']:,} "
        f"loans/s; {result['autodebit_postings']:,} auto-debits; month-end accrual {accrual} s "
        f"more; RSS {result['peak_rss_after_build_mib']} -> "
        f"{result['peak_rss_after_night_mib']} MiB; "
        f"verify {'ok' if result['verify_ok'] else 'FAILED'})",
        f"<= {TARGET_S:g} s",
        "met" if result["nightly_s"] <= TARGET_S and result["verify_ok"] else "MISSED",
    ]]
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
