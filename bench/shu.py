"""SHU for a cooperative of 20,000 members (`python -m bench.shu --members 20000`).

Builds one KSP (not timed): `--members` members, each with simpanan pokok and wajib posted in
2025 through the ledger (multi-line entries of 100 members, as the savings bench does), a
sukarela account, and for about three in five of them loan interest paid in 2025; then salaries,
so the year ends with a surplus (PostgreSQL is then VACUUM ANALYZEd, as autovacuum would, and the
measurement opens a new connection). The business date moves to 2026 and the accountant posts the
year-end closing (timed, reported apart). Then the board's split is saved and approved and
these are timed:

- simulate: `shu_simulate` - every member's jasa modal (pokok + wajib at year end) and jasa usaha
  (interest paid), read from the ledger lines by member;
- distribute: `shu_distribute` - the allocation entry and every member's share posted to the SHU
  payable (or, with `--payout sukarela`, to each member's sukarela account), all or nothing.

Checked after: the members' sub-ledger credits sum to jasa modal + jasa usaha exactly and
`verify_cooperative` is ok. Issue 5's target: distribution for 20,000 members in <= 30 s.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

import bench

NAME = "shu"
BATCH = 5000
MEMBERS_PER_ENTRY = 100
TARGET_S = 30.0


def build(cooperative: Any, members: int, seed: int) -> None:
    """Members and sukarela accounts (bulk rows); pokok, wajib and interest through the ledger."""
    from lumbung.ledger.services import LineSpec, journal_entry_post
    from lumbung.members.models import Member
    from lumbung.savings.models import SavingsAccount, SavingsProduct
    from lumbung.tenancy.models import Cooperative

    rng = random.Random(seed)
    joined = dt.date(2025, 1, 2)
    Member.objects.bulk_create(
        (Member(cooperative=cooperative, number=i, status=Member.Status.MEMBER,
                nik=f"3375{i:012d}", name=f"Anggota {i}", birth_date=dt.date(1980, 1, 1),
                gender="L" if i % 2 else "P", registered_on=joined, joined_on=joined)
         for i in range(1, members + 1)), batch_size=BATCH)
    ids = list(Member.objects.filter(cooperative=cooperative).order_by("number")
               .values_list("pk", flat=True))
    product = SavingsProduct.objects.get(cooperative=cooperative, kind="sukarela")
    SavingsAccount.objects.bulk_create(
        (SavingsAccount(cooperative=cooperative, member_id=pk, product=product,
                        number=f"SS-{n:06d}", opened_on=joined)
         for n, pk in enumerate(ids, start=1)), batch_size=BATCH)

    def post_on(day: dt.date, code: str, amounts: list[tuple[int, int]], text: str) -> None:
        Cooperative.objects.filter(pk=cooperative.pk).update(business_date=day)
        cooperative.refresh_from_db()
        for start in range(0, len(amounts), MEMBERS_PER_ENTRY):
            lines = [LineSpec(code, credit=amount, member_id=pk, subledger_ref=f"member:{pk}")
                     for pk, amount in amounts[start:start + MEMBERS_PER_ENTRY] if amount]
            if lines:
                journal_entry_post(cooperative=cooperative, lines=[
                    LineSpec("1101", debit=sum(line.credit for line in lines)), *lines],
                    description=text, source="bench", acting_user=None)

    post_on(dt.date(2025, 1, 2), "3101", [(pk, 100_000_00) for pk in ids],
            "Simpanan pokok (bench)")
    post_on(dt.date(2025, 6, 30), "3102", [(pk, rng.randrange(6, 61) * 10_000_00) for pk in ids],
            "Simpanan wajib Januari-Juni (bench)")
    interest = [(pk, rng.randrange(1, 500) * 1_000_00 if rng.random() < 0.6 else 0)
                for pk in ids]
    post_on(dt.date(2025, 9, 30), "4101", interest, "Bunga pinjaman (bench)")
    salaries = sum(amount for _pk, amount in interest) // 3
    journal_entry_post(cooperative=cooperative, lines=[
        LineSpec("5303", debit=salaries), LineSpec("1101", credit=salaries)],
        description="Gaji karyawan 2025 (bench)", source="bench", acting_user=None)


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--payout", choices=("hutang", "sukarela"), default="hutang")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    bench.django_setup(bench.fresh_database(args.db, NAME))
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from lumbung.ledger.models import JournalEntry, JournalLine
    from lumbung.ledger.verify import verify_cooperative
    from lumbung.reports.closing import year_end_close
    from lumbung.reports.shu import (
        DEFAULT_SPLIT,
        shu_distribute,
        shu_plan_approve,
        shu_plan_save,
        shu_simulate,
    )
    from lumbung.tenancy.models import Cooperative, CooperativeRole
    from lumbung.tenancy.services import staff_assign, user_create

    [(cooperative, _teller)] = bench.make_cooperatives(1, prefix="shubench")
    people = {}
    for role in (CooperativeRole.ACCOUNTANT, CooperativeRole.BOARD):
        people[role] = user_create(username=f"shubench-{role}", password=secrets.token_urlsafe(16))
        staff_assign(cooperative=cooperative, user=people[role], role=role, acting_user=None)
    accountant, board = people[CooperativeRole.ACCOUNTANT], people[CooperativeRole.BOARD]
    build_s, _ = bench.timed(lambda: build(cooperative, args.members, args.seed))
    if connection.vendor == "postgresql":
        # What autovacuum does soon after such a load (as bench.dataset does).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # The distribution runs in a later session than the year's postings, as on a server.
    connection.close()
    Cooperative.objects.filter(pk=cooperative.pk).update(business_date=dt.date(2026, 1, 5))
    cooperative.refresh_from_db()
    year = 2025
    result: dict[str, Any] = {"measurement": NAME, "members": args.members,
                              "payout": args.payout, "build_s": round(build_s, 1),
                              "lines": JournalLine.objects.filter(cooperative=cooperative).count(),
                              "steps": {}}

    def step(label: str, function: Any) -> Any:
        with CaptureQueriesContext(connection) as captured:
            seconds, value = bench.timed(function)
        result["steps"][label] = {"seconds": round(seconds, 2),
                                  "statements": len(captured.captured_queries)}
        return value

    step("year_end_close", lambda: year_end_close(cooperative=cooperative, year=year,
                                                  acting_user=accountant))
    plan = shu_plan_save(cooperative=cooperative, year=year, percentages=DEFAULT_SPLIT,
                         payout=args.payout, acting_user=accountant)
    plan = shu_plan_approve(plan=plan, acting_user=board)
    simulation = step("simulate", lambda: shu_simulate(cooperative=cooperative, plan=plan))
    entries_before = JournalEntry.objects.filter(cooperative=cooperative).count()
    lines_before = JournalLine.objects.filter(cooperative=cooperative).count()
    step("distribute", lambda: shu_distribute(cooperative=cooperative, year=year,
                                              acting_user=accountant))
    distribution = result["steps"]["distribute"]
    distribution["entries"] = (JournalEntry.objects.filter(cooperative=cooperative).count()
                               - entries_before)
    distribution["lines"] = (JournalLine.objects.filter(cooperative=cooperative).count()
                             - lines_before)
    # The members' side, summed from the lines just posted (not from the simulation's objects).
    member_codes = ["2116"] if args.payout == "hutang" else ["2101"]
    paid = JournalLine.objects.filter(
        cooperative=cooperative, account__code__in=member_codes, member_id__isnull=False,
        entry__source="shu").aggregate(total=Sum("credit"))["total"] or 0
    expected = (simulation.components["capital_services"]
                + simulation.components["business_services"])
    result.update(
        pool=simulation.pool, members_paid=sum(1 for m in simulation.members if m.total),
        members_total=paid, members_expected=expected, rounding_sen=simulation.rounding_sen,
        split_ok=sum(simulation.components.values()) == simulation.pool
        and sum(DEFAULT_SPLIT.values()) == Decimal(100),
    )
    verify_s, report = bench.timed(lambda: verify_cooperative(cooperative))
    result["verify_ok"] = report.ok
    result["verify_s"] = round(verify_s, 1)
    assert paid == expected, (paid, expected)
    assert report.ok
    seconds = distribution["seconds"]
    result["rows"] = [
        [f"SHU simulate ({args.members:,} members)",
         f"{result['steps']['simulate']['seconds']} s, "
         f"{result['steps']['simulate']['statements']} statements", "report", ""],
        [f"SHU distribute ({args.members:,} members, {args.payout})",
         f"{seconds} s, {distribution['entries']} entries, {distribution['lines']:,} lines, "
         f"{distribution['statements']} statements; verify ok={report.ok}",
         f"<= {TARGET_S:g} s", "met" if seconds <= TARGET_S else "MISSED"],
        ["SHU year-end closing", f"{result['steps']['year_end_close']['seconds']} s", "report",
         ""],
    ]
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
