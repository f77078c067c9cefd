"""Counter deposits: a teller's cash deposit through `counter_deposit` (savings account locked,
drawer session locked, one entry posted, receipt record), with real commits.

Scenarios, on the engine given:
  one       1 teller at 1 drawer, deposits one after another
  parallel  N tellers (threads, each its own connection and drawer) in the same cooperative,
            started together: they share the cooperative's ledger head by design
Reports deposits/s over the wall time and per-deposit latency p50/p95/max, then verifies the
books (every drawer's sub-ledger reconciles).
"""

from __future__ import annotations

import random
import secrets
from typing import Any

import bench

MEMBERS = 60


def setup(tellers: int) -> tuple[Any, list[Any], list[Any]]:
    """One cooperative with money in the vault, `tellers` tellers each at an open drawer, and
    MEMBERS admitted members; returns (cooperative, sessions, voluntary accounts)."""
    import datetime as dt

    from lumbung.ledger.services import LineSpec, journal_entry_post
    from lumbung.members.services import member_register
    from lumbung.savings.models import SavingsAccount
    from lumbung.savings.services import counterpart_by_purpose, member_admit
    from lumbung.teller.services import drawer_create, drawer_session_open
    from lumbung.tenancy.services import staff_assign, user_create

    [(cooperative, first)] = bench.make_cooperatives(1, prefix="counter")
    journal_entry_post(cooperative=cooperative, lines=[
        LineSpec("1101", debit=10**12), LineSpec("3103", credit=10**12)],
        description="Modal", acting_user=None)
    vault = counterpart_by_purpose(cooperative, "cash")
    for n in range(MEMBERS):
        member = member_register(
            cooperative=cooperative, nik=f"3375015708850{n + 1:03d}", name=f"Anggota {n}",
            birth_date=dt.date(1985, 8, 17), gender="P", acting_user=None)
        member_admit(cooperative=cooperative, member=member, counterpart=vault,
                     acting_user=None, idempotency_key=f"bench:admit:{n}")
    people = [first]
    for n in range(1, tellers):
        user = user_create(username=f"counter-kasir-{n}", password=secrets.token_urlsafe(16))
        staff_assign(cooperative=cooperative, user=user, role="teller", acting_user=None)
        people.append(user)
    sessions = []
    for n, person in enumerate(people):
        drawer = drawer_create(cooperative=cooperative, name=f"Laci {n + 1}", acting_user=None)
        sessions.append(drawer_session_open(cooperative=cooperative, drawer=drawer,
                                            float_amount=1_000_000_00, acting_user=person))
    accounts = list(SavingsAccount.objects.filter(cooperative=cooperative,
                                                  product__kind="sukarela"))
    return cooperative, sessions, accounts


def run_scenario(sessions: list[Any], accounts: list[Any], per_teller: int, tag: str
                 ) -> dict[str, Any]:
    from lumbung.teller.services import counter_deposit

    rngs = [random.Random(index) for index in range(len(sessions))]

    def deposit(index: int, amount: int, key: str) -> None:
        session = sessions[index]
        counter_deposit(session=session, account=rngs[index].choice(accounts), amount=amount,
                        acting_user=session.teller, idempotency_key=f"{tag}:{key}")

    def warm_up(index: int) -> None:  # connect and warm up
        for i in range(3):
            deposit(index, 50_000_00, f"w:{index}:{i}")

    def step(index: int, i: int) -> None:
        deposit(index, rngs[index].randint(20, 500) * 1_000_00, f"{index}:{i}")

    figures = bench.threaded(len(sessions), per_teller, warm_up, step)
    return {
        "tellers": len(sessions),
        "deposits": figures.pop("operations"),
        "deposits_per_s": figures.pop("per_s"),
        **figures,
    }


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--tellers", type=int, default=4)
    parser.add_argument("--deposits", type=int, default=400,
                        help="deposits in each scenario (split between the tellers)")
    args = parser.parse_args()
    bench.django_setup(bench.fresh_database(args.db, "counter"))
    from django.db import connection

    from lumbung.ledger.verify import verify_cooperative

    cooperative, sessions, accounts = setup(args.tellers)
    connection.close()
    result: dict[str, Any] = {"measurement": "counter", "scenarios": {}}
    result["scenarios"]["one"] = run_scenario(sessions[:1], accounts, args.deposits, "one")
    result["scenarios"]["parallel"] = run_scenario(
        sessions, accounts, args.deposits // len(sessions), "parallel")
    report = verify_cooperative(cooperative)
    assert report.ok, report.as_dict()
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
