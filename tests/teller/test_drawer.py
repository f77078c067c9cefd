"""Drawer sessions: open with a float, transfers, close against a count; every refusal writes
nothing and `lumbung verify` reconciles every drawer."""

from __future__ import annotations

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry, SubledgerBalance
from lumbung.ledger.selectors import trial_balance
from lumbung.ledger.verify import verify_cooperative
from lumbung.teller import selectors
from lumbung.teller.models import CounterTransaction, DrawerSession
from lumbung.teller.services import (
    drawer_session_close,
    drawer_session_open,
    drawer_transfer,
    parse_count,
)
from lumbung.tenancy.services import staff_assign, user_create
from tests.teller.conftest import VAULT


def writes() -> tuple[int, int, int]:
    return (JournalEntry.objects.count(), DrawerSession.objects.count(),
            CounterTransaction.objects.count())


def balances(city) -> dict[str, int]:
    tb = trial_balance(cooperative=city.coop_a, as_of=city.coop_a.business_date)
    return {line.account: line.debit - line.credit for line in tb.lines}


def test_it_opens_a_drawer_with_a_float_from_the_vault(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=2_000_000_00, acting_user=city.teller_a)
    assert session.is_open and session.business_date == city.coop_a.business_date
    assert selectors.drawer_balance(drawer=counter.drawer_a) == 2_000_000_00
    assert balances(city)["1101"] == VAULT - 2_000_000_00
    assert balances(city)["1109"] == 2_000_000_00
    ref = SubledgerBalance.objects.get(ref=f"drawer:{counter.drawer_a.pk}")
    assert (ref.debit, ref.credit) == (2_000_000_00, 0)
    assert verify_cooperative(city.coop_a).ok


def test_it_allows_one_open_session_per_drawer_and_per_teller(city, counter):
    drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a, float_amount=0,
                        acting_user=city.teller_a)
    before = writes()
    with pytest.raises(LumbungError) as busy:
        drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                            float_amount=100_000_00, acting_user=city.manager_a)
    assert busy.value.code == "TELLER_DRAWER_BUSY"
    with pytest.raises(LumbungError) as twice:
        drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a2,
                            float_amount=100_000_00, acting_user=city.teller_a)
    assert twice.value.code == "TELLER_ALREADY_OPEN"
    assert writes() == before


def test_it_refuses_a_float_larger_than_the_vault_and_writes_nothing(city, counter):
    before = writes()
    with pytest.raises(LumbungError) as error:
        drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                            float_amount=VAULT + 1, acting_user=city.teller_a)
    assert error.value.code == "TELLER_VAULT_SHORT"
    assert writes() == before


def test_it_refuses_another_cooperatives_drawer(city, counter):
    with pytest.raises(LumbungError) as error:
        drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_b, float_amount=0,
                            acting_user=city.teller_a)
    assert error.value.code == "NOT_FOUND"


def test_it_moves_cash_between_drawer_vault_and_bank(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=1_000_000_00, acting_user=city.teller_a)
    for kind, amount in [("vault_in", 500_000_00), ("bank_in", 3_000_000_00),
                         ("bank_out", 2_000_000_00), ("vault_out", 250_000_00)]:
        drawer_transfer(session=session, kind=kind, amount=amount, acting_user=city.teller_a)
    assert selectors.drawer_balance(drawer=counter.drawer_a) == 2_250_000_00
    assert balances(city)["1101"] == VAULT - 1_000_000_00 - 500_000_00 + 250_000_00
    assert balances(city)["1102"] == 200_000_000_00 - 3_000_000_00 + 2_000_000_00
    assert verify_cooperative(city.coop_a).ok


def test_a_transfer_retried_with_its_key_is_recorded_once(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=100_000_00, acting_user=city.teller_a)
    first = drawer_transfer(session=session, kind="vault_in", amount=400_000_00,
                            acting_user=city.teller_a, idempotency_key="t:move")
    again = drawer_transfer(session=session, kind="vault_in", amount=400_000_00,
                            acting_user=city.teller_a, idempotency_key="t:move")
    assert first.pk == again.pk
    assert CounterTransaction.objects.filter(kind="vault_in").count() == 1
    assert AuditEvent.objects.filter(action="teller.drawer.transfer").count() == 1
    assert selectors.drawer_balance(drawer=counter.drawer_a) == 500_000_00


def test_it_never_lets_the_drawer_go_below_zero(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=100_000_00, acting_user=city.teller_a)
    before = writes()
    with pytest.raises(LumbungError) as error:
        drawer_transfer(session=session, kind="vault_out", amount=100_000_01,
                        acting_user=city.teller_a)
    assert error.value.code == "TELLER_DRAWER_SHORT"
    assert "Rp100.000,00" in error.value.message
    assert writes() == before


def test_a_teller_works_only_in_their_own_drawer(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=100_000_00, acting_user=city.teller_a)
    before = writes()
    with pytest.raises(LumbungError) as error:
        drawer_transfer(session=session, kind="vault_in", amount=100_00,
                        acting_user=city.manager_a)
    assert error.value.code == "TELLER_NOT_YOUR_DRAWER"
    with pytest.raises(LumbungError) as closing:
        drawer_session_close(session=session, count={}, acting_user=city.manager_a)
    assert closing.value.code == "TELLER_NOT_YOUR_DRAWER"
    assert writes() == before


def test_it_closes_with_a_shortage_to_suspense_and_flags_it(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=1_000_000_00, acting_user=city.teller_a)
    # Rp1.000.000 expected; counted 9 x Rp100.000 + 1 x Rp50.000 + 3 x Rp10.000 + 4 x Rp500
    # = Rp982.000: Rp18.000 short.
    count = parse_count({"k100000": "9", "k50000": "1", "k10000": "3", "l500": "4", "k2000": ""})
    closed = drawer_session_close(session=session, count=count, acting_user=city.teller_a)
    assert (closed.expected_amount, closed.counted_amount, closed.difference) == (
        1_000_000_00, 982_000_00, -18_000_00)
    assert closed.status == "closed"
    assert selectors.drawer_balance(drawer=counter.drawer_a) == 0
    assert balances(city)["1190"] == 18_000_00  # suspense: a receivable until explained
    assert balances(city)["1101"] == VAULT - 18_000_00
    flag = AuditEvent.objects.get(action="teller.drawer.difference")
    assert flag.data["difference"] == -18_000_00
    assert verify_cooperative(city.coop_a).ok


def test_it_closes_with_cash_over_to_suspense(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=100_000_00, acting_user=city.teller_a)
    drawer_session_close(session=session, count={"k100000": 1, "l100": 3},
                         acting_user=city.teller_a)
    assert balances(city)["1190"] == -300_00
    assert balances(city)["1101"] == VAULT + 300_00
    assert verify_cooperative(city.coop_a).ok


def test_an_exact_count_posts_no_difference(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=75_000_00, acting_user=city.teller_a)
    closed = drawer_session_close(session=session, count={"k75000": 1}, acting_user=city.teller_a)
    assert closed.difference == 0
    assert not AuditEvent.objects.filter(action="teller.drawer.difference").exists()
    assert list(closed.transactions.values_list("kind", flat=True)) == ["opening", "closing"]


def test_a_bad_count_is_refused_and_writes_nothing(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=75_000_00, acting_user=city.teller_a)
    with pytest.raises(LumbungError) as error:
        parse_count({"k100000": "-1"})
    assert error.value.code == "TELLER_BAD_COUNT"
    before = writes()
    with pytest.raises(LumbungError) as unknown:
        drawer_session_close(session=session, count={"k3000": 1}, acting_user=city.teller_a)
    assert unknown.value.code == "TELLER_BAD_COUNT"
    assert writes() == before
    session.refresh_from_db()
    assert session.is_open


def test_open_sessions_are_listed_for_the_period_close(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=0, acting_user=city.teller_a)
    day = city.coop_a.business_date
    assert selectors.open_drawer_sessions(cooperative=city.coop_a, date=day) == [session]
    assert selectors.open_drawer_sessions(cooperative=city.coop_b, date=day) == []
    drawer_session_close(session=session, count={}, acting_user=city.teller_a)
    assert selectors.open_drawer_sessions(cooperative=city.coop_a, date=day) == []


def test_a_session_from_an_earlier_day_must_be_closed_first(city, counter):
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=100_000_00, acting_user=city.teller_a)
    type(city.coop_a).objects.filter(pk=city.coop_a.pk).update(
        business_date=city.coop_a.business_date.replace(day=21))
    with pytest.raises(LumbungError) as error:
        drawer_transfer(session=session, kind="vault_in", amount=100_00,
                        acting_user=city.teller_a)
    assert error.value.code == "TELLER_SESSION_OLD"
    session.cooperative.refresh_from_db()
    drawer_session_close(session=session, count={"k100000": 1}, acting_user=city.teller_a)
    assert verify_cooperative(city.coop_a).ok


def test_denominations_are_rules_as_data():
    from lumbung.teller.calculations import denomination_rules

    rules = denomination_rules()
    assert rules.version and rules.source and rules.confidence == "SECONDARY"
    values = [d.value for d in rules.denominations]
    assert values == sorted(values, reverse=True)
    assert {d.key for d in rules.denominations} >= {"k100000", "k1000", "l1000", "l100"}


def test_a_new_teller_gets_no_rights_in_another_cooperative(city, counter):
    other = user_create(username="teller-c", password="x-12345678")
    staff_assign(cooperative=city.coop_b, user=other, role="teller", acting_user=None)
    session = drawer_session_open(cooperative=city.coop_b, drawer=counter.drawer_b,
                                  float_amount=10_000_00, acting_user=other)
    assert session.cooperative_id == city.coop_b.pk
