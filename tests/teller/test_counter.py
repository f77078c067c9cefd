"""Counter work through the savings services with the drawer as counterpart: admission,
deposits, withdrawals (with approval above the teller's limit), receipts' figures."""

from __future__ import annotations

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.services import approval_decide
from lumbung.ledger.verify import verify_cooperative
from lumbung.savings.selectors import account_balance
from lumbung.teller import selectors
from lumbung.teller.models import CounterTransaction
from lumbung.teller.receipts import balance_after
from lumbung.teller.services import (
    counter_admit,
    counter_deposit,
    counter_withdraw,
    drawer_free_cash,
    drawer_session_close,
    drawer_transfer,
)
from tests.teller.conftest import register_member

FLOAT = 10_000_000_00


def writes() -> tuple[int, int, int]:
    return (JournalEntry.objects.count(), ApprovalRequest.objects.count(),
            CounterTransaction.objects.count())


def test_admission_at_the_counter_puts_the_pokok_in_the_drawer(city, session_a, siti):
    admission = CounterTransaction.objects.get(kind="admission")
    assert admission.member.status == "anggota" and admission.member.number == 1
    drawer = selectors.drawer_balance(drawer=session_a.drawer)
    assert drawer == FLOAT + admission.amount
    assert admission.entry.lines.filter(subledger_ref=f"drawer:{session_a.drawer.pk}",
                                        debit=admission.amount).exists()
    assert verify_cooperative(city.coop_a).ok


def test_a_deposit_and_a_withdrawal_within_the_limit(city, session_a, siti):
    before = selectors.drawer_balance(drawer=session_a.drawer)
    deposit = counter_deposit(session=session_a, account=siti, amount=1_500_000_00,
                              acting_user=city.teller_a, idempotency_key="t:1")
    withdrawal = counter_withdraw(session=session_a, account=siti, amount=400_000_00,
                                  acting_user=city.teller_a, idempotency_key="t:2")
    assert account_balance(siti) == 1_100_000_00
    assert selectors.drawer_balance(drawer=session_a.drawer) == before + 1_100_000_00
    assert balance_after(deposit.entry, siti.member_id, siti.subledger_ref) == 1_500_000_00
    assert balance_after(withdrawal.entry, siti.member_id, siti.subledger_ref) == 1_100_000_00
    assert verify_cooperative(city.coop_a).ok


def test_a_retry_with_the_same_key_records_once(city, session_a, siti):
    first = counter_deposit(session=session_a, account=siti, amount=100_000_00,
                            acting_user=city.teller_a, idempotency_key="t:same")
    again = counter_deposit(session=session_a, account=siti, amount=100_000_00,
                            acting_user=city.teller_a, idempotency_key="t:same")
    assert first.pk == again.pk
    assert account_balance(siti) == 100_000_00


def test_a_large_withdrawal_waits_for_the_manager_and_reserves_the_cash(city, session_a, siti):
    counter_deposit(session=session_a, account=siti, amount=8_000_000_00,
                    acting_user=city.teller_a, idempotency_key="t:big-in")
    drawer = selectors.drawer_balance(drawer=session_a.drawer)
    pending = counter_withdraw(session=session_a, account=siti, amount=7_000_000_00,
                               acting_user=city.teller_a, idempotency_key="t:big-out")
    assert pending.entry is None and pending.approval.status == "pending"
    assert pending.approval.payload["counterpart"][1] == f"drawer:{session_a.drawer.pk}"
    assert drawer_free_cash(session=session_a) == drawer - 7_000_000_00
    # The reserved cash cannot leave the drawer meanwhile.
    before = writes()
    with pytest.raises(LumbungError) as error:
        drawer_transfer(session=session_a, kind="vault_out", amount=drawer - 7_000_000_00 + 1,
                        acting_user=city.teller_a)
    assert error.value.code == "TELLER_DRAWER_SHORT"
    # Nor can the drawer close.
    with pytest.raises(LumbungError) as closing:
        drawer_session_close(session=session_a, count={}, acting_user=city.teller_a)
    assert closing.value.code == "TELLER_PENDING_WITHDRAWALS"
    assert writes() == before
    # The teller cannot approve it; the manager can, and the cash leaves the teller's drawer.
    with pytest.raises(LumbungError) as own:
        approval_decide(request=pending.approval, approve=True, acting_user=city.teller_a)
    assert own.value.code == "APPROVAL_SELF"
    approval_decide(request=pending.approval, approve=True, acting_user=city.manager_a)
    pending.refresh_from_db()
    entry = pending.posted_entry
    assert entry is not None and entry.approved_by_id == city.manager_a.pk
    assert selectors.drawer_balance(drawer=session_a.drawer) == drawer - 7_000_000_00
    assert account_balance(siti) == 1_000_000_00
    assert verify_cooperative(city.coop_a).ok


def test_a_withdrawal_larger_than_the_drawer_is_refused_and_writes_nothing(
        city, session_a, siti):
    counter_deposit(session=session_a, account=siti, amount=4_000_000_00,
                    acting_user=city.teller_a, idempotency_key="t:in")
    drawer_transfer(session=session_a, kind="vault_out",
                    amount=selectors.drawer_balance(drawer=session_a.drawer) - 1_000_000_00,
                    acting_user=city.teller_a)
    before = writes()
    with pytest.raises(LumbungError) as error:
        counter_withdraw(session=session_a, account=siti, amount=3_000_000_00,
                         acting_user=city.teller_a, idempotency_key="t:out")
    assert error.value.code == "TELLER_DRAWER_SHORT"
    assert writes() == before
    assert account_balance(siti) == 4_000_000_00


def test_savings_refusals_write_nothing(city, session_a, siti):
    before = writes()
    with pytest.raises(LumbungError) as error:
        counter_withdraw(session=session_a, account=siti, amount=1_00,
                         acting_user=city.teller_a, idempotency_key="t:x")
    assert error.value.code == "SAVINGS_INSUFFICIENT"
    candidate = register_member(city.coop_a, city.teller_a, name="Calon", serial=2)
    counter_admit(session=session_a, member=candidate, acting_user=city.teller_a)
    with pytest.raises(LumbungError) as twice:
        counter_admit(session=session_a, member=candidate, acting_user=city.teller_a)
    assert twice.value.code == "SAVINGS_NOT_CANDIDATE"
    assert writes()[0] == before[0] + 1


def test_only_the_drawers_teller_may_use_it(city, session_a, siti):
    before = writes()
    with pytest.raises(LumbungError) as error:
        counter_deposit(session=session_a, account=siti, amount=100_00,
                        acting_user=city.manager_a)
    assert error.value.code == "TELLER_NOT_YOUR_DRAWER"
    assert writes() == before


def test_a_full_day_closes_exactly(city, session_a, siti):
    counter_deposit(session=session_a, account=siti, amount=2_345_600_00,
                    acting_user=city.teller_a)
    counter_withdraw(session=session_a, account=siti, amount=345_600_00,
                     acting_user=city.teller_a)
    expected = selectors.drawer_balance(drawer=session_a.drawer)
    admission = CounterTransaction.objects.get(kind="admission").amount
    assert expected == FLOAT + admission + 2_000_000_00
    # Hand count of FLOAT + admission + Rp2.000.000, in Rp100.000 notes and the remainder.
    notes, rest = divmod(expected, 100_000_00)
    count = {"k100000": notes}
    assert rest % 50_000_00 == 0
    if rest:
        count["k50000"] = rest // 50_000_00
    closed = drawer_session_close(session=session_a, count=count, acting_user=city.teller_a)
    assert closed.difference == 0
    assert verify_cooperative(city.coop_a).ok


def test_a_retry_after_the_approval_finds_the_first_request(city, session_a, siti):
    counter_deposit(session=session_a, account=siti, amount=6_000_000_00,
                    acting_user=city.teller_a, idempotency_key="t:in6")
    pending = counter_withdraw(session=session_a, account=siti, amount=5_500_000_00,
                               acting_user=city.teller_a, idempotency_key="t:out6")
    approval_decide(request=pending.approval, approve=True, acting_user=city.manager_a)
    again = counter_withdraw(session=session_a, account=siti, amount=5_500_000_00,
                             acting_user=city.teller_a, idempotency_key="t:out6")
    assert again.pk == pending.pk
    assert CounterTransaction.objects.filter(kind="withdrawal").count() == 1
    assert account_balance(siti) == 500_000_00
