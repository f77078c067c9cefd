"""SHU: split to 100%, member shares from ledger lines, approval, distribution once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountBalance, JournalEntry, SubledgerBalance
from lumbung.reports.calculations import largest_remainder, split_pool
from lumbung.reports.closing import year_end_close
from lumbung.reports.models import ShuPlan
from lumbung.reports.shu import (
    DEFAULT_SPLIT,
    shu_distribute,
    shu_plan_approve,
    shu_plan_save,
    shu_simulate,
)
from lumbung.reports.statements import build
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff
from tests.reports.conftest import cr, dr, post

D = dt.date


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(st.integers(min_value=0, max_value=10**15),
       st.dictionaries(st.integers(min_value=1, max_value=10**6),
                       st.integers(min_value=0, max_value=10**12), min_size=1, max_size=40))
def test_shares_sum_exactly_to_the_pool(total, weights):
    parts = largest_remainder(total, weights)
    assert set(parts) == set(weights)
    if any(weights.values()):
        assert sum(parts.values()) == total
        whole = sum(weights.values())
        for key, weight in weights.items():
            # Each part is its exact share rounded down or up, never further off.
            assert abs(parts[key] * whole - total * weight) < whole
    else:
        assert sum(parts.values()) == 0


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10**12),
       st.lists(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False,
                            allow_infinity=False), min_size=1, max_size=30))
def test_fractional_weights_split_as_their_exact_proportions(total, amounts):
    # An average balance has fractions of a sen; scaled by 10^4 it is the same proportion.
    weights = dict(enumerate(amounts))
    scaled = {key: int(value * 10_000) for key, value in weights.items()}
    assert largest_remainder(total, weights) == largest_remainder(total, scaled)


def test_the_residue_rule_gives_leftover_sen_to_the_largest_remainders():
    # 100 sen over three equal members: 33.33 each, the extra sen to the first key.
    assert largest_remainder(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert largest_remainder(10, {"a": 1, "b": 2}) == {"a": 3, "b": 7}
    assert split_pool(400_000_00, DEFAULT_SPLIT)["reserve"] == 160_000_00


@pytest.fixture
def board(city):
    return _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)


def _balance(coop, code):
    row = AccountBalance.objects.get(cooperative=coop, account__code=code)
    return row.credit - row.debit


def test_it_refuses_a_split_not_summing_to_100(books, city):
    split = dict(DEFAULT_SPLIT, reserve=Decimal("39.99"))
    with pytest.raises(LumbungError) as refused:
        shu_plan_save(cooperative=books, year=2025, percentages=split,
                      acting_user=city.accountant_a)
    assert refused.value.code == "SHU_SPLIT_NOT_100"
    assert not ShuPlan.objects.exists()
    with pytest.raises(LumbungError) as refused:
        shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                      acting_user=city.teller_a)
    assert refused.value.code == "PERMISSION_DENIED"
    assert not ShuPlan.objects.exists()


def test_it_simulates_approves_and_distributes_once(books, city, board):
    plan = shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    result = shu_simulate(cooperative=books, plan=plan)
    assert result.pool == 400_000_00
    assert result.components == {"reserve": 160_000_00, "capital_services": 80_000_00,
                                 "business_services": 80_000_00, "board": 20_000_00,
                                 "staff": 20_000_00, "education": 20_000_00,
                                 "social": 20_000_00, "regional": 0}
    # Jasa modal by pokok + wajib at year end: 1.500.000 : 1.000.000; jasa usaha by interest.
    assert [(m.member_id, m.capital, m.business) for m in result.members] == [
        (1, 48_000_00, 80_000_00), (2, 32_000_00, 0)]
    entries = JournalEntry.objects.count()
    for refusal, kwargs in (("SHU_NOT_APPROVED", {}),):
        with pytest.raises(LumbungError) as refused:
            shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a, **kwargs)
        assert refused.value.code == refusal
    with pytest.raises(LumbungError) as refused:
        shu_plan_approve(plan=plan, acting_user=city.manager_a)
    assert refused.value.code == "PERMISSION_DENIED"
    shu_plan_approve(plan=plan, acting_user=board)
    with pytest.raises(LumbungError) as refused:
        shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert refused.value.code == "SHU_YEAR_NOT_CLOSED"
    assert JournalEntry.objects.count() == entries
    year_end_close(cooperative=books, year=2025, acting_user=city.accountant_a)
    shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert _balance(books, "3302") == 0
    assert _balance(books, "3201") == 160_000_00
    assert _balance(books, "2111") == 0
    assert _balance(books, "2121") == 20_000_00
    payable = {s.ref: s.credit - s.debit for s in SubledgerBalance.objects.filter(
        cooperative=books, account__code="2116")}
    assert payable == {"member:1": 128_000_00, "member:2": 32_000_00}
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as refused:
        shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert refused.value.code == "SHU_ALREADY_DISTRIBUTED"
    assert JournalEntry.objects.count() == entries
    equity = build("equity-changes", cooperative=books, start=D(2026, 1, 1),
                   end=D(2026, 11, 20))
    assert equity.ties_out
    assert equity.value("distribution", 3) == 160_000_00  # reserve column
    assert equity.value("distribution", 4) == -400_000_00  # SHU column
    for name in ("balance-sheet", "surplus-statement", "cash-flow"):
        assert build(name, cooperative=books, start=D(2026, 1, 1),
                     end=D(2026, 11, 20)).ties_out, name
    promotion = build("member-promotion", cooperative=books, start=D(2026, 1, 1),
                      end=D(2026, 11, 20))
    assert promotion.value("member_shu") == 160_000_00


def test_jasa_modal_on_the_average_month_end_balance(books, city):
    # Member 2 pays Rp1.500.000 wajib in December: year end 1.500.000 : 2.500.000, but the
    # twelve month-end balances sum to 7 x 1.500.000 : (7 x 1.000.000 + 1.500.000) = 1.050 : 850.
    post(books, D(2025, 12, 20), dr("1101", 1_500_000_00),
         cr("3102", 1_500_000_00, member_id=2, subledger_ref="member:2"))
    plan = shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    year_end = shu_simulate(cooperative=books, plan=plan)
    assert [(m.member_id, m.capital) for m in year_end.members] == [(1, 30_000_00),
                                                                    (2, 50_000_00)]
    plan = shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                         balance_method="rata_rata", acting_user=city.accountant_a)
    average = shu_simulate(cooperative=books, plan=plan)
    # 8.000.000 sen x 1050/1900 = 4.421.052,63 and x 850/1900 = 3.578.947,37: the spare sen
    # goes to the larger remainder.
    assert [(m.member_id, m.capital) for m in average.members] == [(1, 4_421_053),
                                                                   (2, 3_578_947)]
    assert [m.savings_sen for m in average.members] == [87_500_000, 70_833_333]


def test_a_loss_year_shares_nothing_and_says_so(books, city, board):
    # Rp500.000 more expenses: 2025 ends at 400.000 - 500.000 = a loss of Rp100.000.
    post(books, D(2025, 12, 20), dr("5303", 500_000_00), cr("1101", 500_000_00))
    plan = shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    result = shu_simulate(cooperative=books, plan=plan)
    assert (result.surplus, result.pool, result.members_total) == (-100_000_00, 0, 0)
    assert set(result.components.values()) == {0}
    client = Client()
    client.force_login(city.accountant_a)
    page = client.get("/k/ksp-a/shu/?tahun=2025").content.decode()
    assert "Tahun buku ini rugi (SHU -Rp100.000,00)" in page
    shu_plan_approve(plan=plan, acting_user=board)
    year_end_close(cooperative=books, year=2025, acting_user=city.accountant_a)
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as refused:
        shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert refused.value.code == "SHU_NOTHING"
    assert JournalEntry.objects.count() == entries
