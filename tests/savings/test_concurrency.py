"""Tellers withdrawing from one account at the same moment on PostgreSQL never overdraw it."""

from __future__ import annotations

from lumbung.core.errors import LumbungError
from lumbung.ledger.verify import verify_cooperative
from lumbung.savings.selectors import account_balance
from lumbung.savings.services import savings_deposit, savings_withdraw
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff, build_city
from tests.ledger.helpers import postgres_only, skip_unless_postgres
from tests.ledger.test_concurrency import _run_in_threads
from tests.savings.conftest import RUPIAH, account_of, admit, vault

TELLERS = 6


@postgres_only
def test_concurrent_withdrawals_never_overdraw_an_account(committed_db):
    skip_unless_postgres()
    city = build_city()
    coop = city.coop_a
    tellers = [city.teller_a] + [
        _staff(coop, f"teller-a{n}", CooperativeRole.TELLER) for n in range(2, TELLERS + 1)]
    account = account_of(admit(coop, city.teller_a), "sukarela")
    savings_deposit(cooperative=coop, account=account, amount=1_020_000 * RUPIAH,
                    counterpart=vault(coop), acting_user=city.teller_a, idempotency_key=None)
    refusals: list[str] = []

    def work(index: int) -> None:
        try:
            savings_withdraw(cooperative=coop, account=account, amount=300_000 * RUPIAH,
                             counterpart=vault(coop), acting_user=tellers[index],
                             idempotency_key=f"wd:{index}")
        except LumbungError as error:
            refusals.append(error.code)

    assert _run_in_threads(TELLERS, work) == []
    # Rp1.020.000 less the Rp20.000 minimum balance covers exactly three withdrawals.
    assert refusals == ["SAVINGS_INSUFFICIENT"] * (TELLERS - 3)
    assert account_balance(account) == 120_000 * RUPIAH
    assert verify_cooperative(coop).ok
