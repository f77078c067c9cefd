"""Tellers at their own drawers, all at once on PostgreSQL: one member's account is never
overdrawn, no drawer goes below zero, and every drawer still reconciles."""

from __future__ import annotations

from lumbung.core.errors import LumbungError
from lumbung.ledger.verify import verify_cooperative
from lumbung.savings.models import SavingsAccount
from lumbung.savings.selectors import account_balance
from lumbung.teller import selectors
from lumbung.teller.services import (
    counter_admit,
    counter_deposit,
    counter_withdraw,
    drawer_create,
    drawer_session_open,
)
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff, build_city
from tests.ledger.helpers import postgres_only, skip_unless_postgres
from tests.ledger.test_concurrency import _run_in_threads
from tests.teller.conftest import fund, register_member

TELLERS = 6


@postgres_only
def test_tellers_withdrawing_at_once_never_overdraw_the_account(committed_db):
    skip_unless_postgres()
    city = build_city()
    coop = city.coop_a
    fund(coop, city.accountant_a)
    tellers = [city.teller_a] + [
        _staff(coop, f"teller-a{n}", CooperativeRole.TELLER) for n in range(2, TELLERS + 1)]
    sessions = [
        drawer_session_open(cooperative=coop, acting_user=teller, float_amount=500_000_00,
                            drawer=drawer_create(cooperative=coop, name=f"Laci {n}",
                                                 acting_user=None))
        for n, teller in enumerate(tellers)
    ]
    counter_admit(session=sessions[0], member=register_member(coop, city.teller_a),
                  acting_user=city.teller_a)
    account = SavingsAccount.objects.get(cooperative=coop, product__kind="sukarela")
    counter_deposit(session=sessions[0], account=account, amount=1_020_000_00,
                    acting_user=city.teller_a)
    refusals: list[str] = []

    def work(index: int) -> None:
        try:
            counter_withdraw(session=sessions[index], account=account, amount=300_000_00,
                             acting_user=tellers[index], idempotency_key=f"wd:{index}")
        except LumbungError as error:
            refusals.append(error.code)

    assert _run_in_threads(TELLERS, work) == []
    # Rp1.020.000 less the Rp20.000 minimum balance covers exactly three withdrawals.
    assert sorted(refusals) == ["SAVINGS_INSUFFICIENT"] * (TELLERS - 3)
    assert account_balance(account) == 120_000_00
    balances = selectors.drawer_balances(cooperative=coop,
                                         drawer_ids=[s.drawer_id for s in sessions])
    assert all(balance >= 0 for balance in balances.values())
    assert sum(balances.values()) == TELLERS * 500_000_00 + 150_000_00 + 1_020_000_00 \
        - 3 * 300_000_00
    assert verify_cooperative(coop).ok
