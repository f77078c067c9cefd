"""Interest, tax and profit share: hand-worked examples and properties (pure, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.savings import calculations
from lumbung.savings.calculations import (
    TaxRule,
    add_months,
    average_balance,
    average_balance_interest,
    daily_accruals,
    daily_balances,
    early_withdrawal_penalty,
    lowest_balance_interest,
    profit_shares,
    withholding_tax,
)

RP = 100
# November: Rp1.000.000 for ten days, Rp400.000 for ten days, Rp1.500.000 for ten days.
NOVEMBER = [1_000_000 * RP] * 10 + [400_000 * RP] * 10 + [1_500_000 * RP] * 10
PPH = TaxRule(threshold=240_000 * RP, rate=Decimal(10))


def test_interest_on_the_lowest_balance_by_hand():
    # Rp400.000 × 3% × 30/365 = Rp986,301... -> Rp986,30
    assert lowest_balance_interest(NOVEMBER, Decimal(3)) == 98_630
    # Below the minimum balance it earns nothing.
    assert lowest_balance_interest(NOVEMBER, Decimal(3), minimum=500_000 * RP) == 0


def test_interest_on_the_average_balance_by_hand():
    # Σ balances = Rp29.000.000 balance-days; × 3% / 365 = Rp2.383,5616... -> Rp2.383,56
    assert average_balance_interest(NOVEMBER, Decimal(3)) == 238_356
    assert average_balance(NOVEMBER) == Decimal(2_900_000_000) / 30


def test_daily_balances_follow_the_movements():
    start = dt.date(2026, 11, 1)
    balances = daily_balances(100, [(dt.date(2026, 11, 3), 50), (dt.date(2026, 11, 2), -30),
                                    (dt.date(2026, 11, 3), 5)], start, dt.date(2026, 11, 4))
    assert balances == [100, 70, 125, 125]


def test_withholding_tax_by_the_rule_in_force():
    assert withholding_tax(240_000 * RP, PPH) == 0
    assert withholding_tax(240_000 * RP + 1, PPH) == 2_400_000  # 10% of all of it, rounded
    assert withholding_tax(300_000 * RP, PPH) == 30_000 * RP
    excess = TaxRule(threshold=240_000 * RP, rate=Decimal(10), base="excess")
    assert withholding_tax(300_000 * RP, excess) == 6_000 * RP


def test_profit_share_by_nisbah_by_hand():
    # Income Rp10.000.000; the account holds Rp2.000.000 of Rp100.000.000 funds; nisbah 30%.
    shares = profit_shares({1: Decimal(2_000_000 * RP), 2: Decimal(500_000 * RP)},
                           10_000_000 * RP, Decimal(100_000_000 * RP),
                           {1: Decimal(30), 2: Decimal(50)})
    assert shares == {1: 60_000 * RP, 2: 25_000 * RP}
    assert profit_shares({1: Decimal(1)}, 0, Decimal(5), {1: Decimal(30)}) == {1: 0}
    assert profit_shares({1: Decimal(1)}, -5 * RP, Decimal(5), {1: Decimal(30)}) == {1: 0}


def test_months_are_added_like_a_calendar():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 20), 12) == dt.date(2027, 11, 20)
    assert add_months(dt.date(2026, 1, 15), -2) == dt.date(2025, 11, 15)


def test_the_early_withdrawal_penalty():
    assert early_withdrawal_penalty(2_000_000 * RP, Decimal(1)) == 20_000 * RP
    assert early_withdrawal_penalty(333, Decimal("1.5")) == 5  # 4,995 sen -> 5


balances_strategy = st.lists(st.integers(min_value=-10**6, max_value=10**13), min_size=1,
                             max_size=31)
rates = st.decimals(min_value=0, max_value=25, places=4)


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(balances_strategy, rates)
def test_the_daily_accruals_sum_to_the_months_interest_to_the_sen(balances, rate):
    accruals = daily_accruals(balances, rate)
    assert len(accruals) == len(balances)
    assert sum(accruals) == average_balance_interest(balances, rate)
    assert all(a >= 0 for a in accruals)


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(balances_strategy, rates)
def test_the_lowest_balance_never_earns_more_than_the_average(balances, rate):
    assert lowest_balance_interest(balances, rate) <= average_balance_interest(balances, rate)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_tax_never_exceeds_the_rate_and_is_zero_up_to_the_threshold(interest):
    tax = withholding_tax(interest, PPH)
    assert 0 <= tax <= interest // 10 + 1
    assert (tax == 0) == (interest <= PPH.threshold)


def test_a_bonus_pool_split_by_hand():
    # Rp100 (10.000 sen) over averages 1 : 2 : 0 : 3 -> 1.666,67 / 3.333,33 / 0 / 5.000 sen:
    # floors 1.666 + 3.333 + 5.000 = 9.999, the one sen left goes to the largest remainder (,67).
    shares = calculations.pro_rata(10_000, {1: Decimal(100), 2: Decimal(200), 3: Decimal(0),
                                            4: Decimal(300)})
    assert shares == {1: 1_667, 2: 3_333, 3: 0, 4: 5_000}
    assert calculations.pro_rata(10_000, {1: Decimal(0)}) == {1: 0}
    assert calculations.pro_rata(0, {1: Decimal(5)}) == {1: 0}


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=10**12),
       st.dictionaries(st.integers(1, 10**6), st.decimals(min_value=0, max_value=10**12,
                                                          places=2), min_size=1, max_size=40))
def test_a_bonus_pool_is_split_to_the_sen_and_in_proportion(total, weights):
    shares = calculations.pro_rata(total, weights)
    whole = sum(w for w in weights.values() if w > 0)
    if whole == 0:
        assert set(shares.values()) == {0}
        return
    assert sum(shares.values()) == total
    for key, weight in weights.items():
        exact = Decimal(total) * max(weight, Decimal(0)) / whole
        assert abs(shares[key] - exact) < 1


def _day_by_day(opening, movements, start, end):
    """The plain definition: walk every day, adding that day's movements."""
    balances, balance, day = [], opening, start
    while day <= end:
        balance += sum(amount for when, amount in movements if when == day)
        balances.append(balance)
        day += dt.timedelta(days=1)
    return balances


@settings(deadline=None)
@given(st.integers(-10**9, 10**12),
       st.lists(st.tuples(st.dates(dt.date(2026, 10, 25), dt.date(2026, 12, 5)),
                          st.integers(-10**9, 10**9)), max_size=12),
       st.dates(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
       st.integers(0, 35))
def test_daily_balances_match_the_day_by_day_walk(opening, movements, start, length):
    end = start + dt.timedelta(days=length)
    assert daily_balances(opening, movements, start, end) == _day_by_day(
        opening, [(d, a) for d, a in movements if start <= d <= end], start, end)
