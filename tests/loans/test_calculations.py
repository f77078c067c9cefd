"""Schedules, due dates, penalties and allocation, against hand-worked examples and the
textbook formulas of shared/domain/regulations.md §4.2."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.loans.calculations import (
    Method,
    add_months,
    allocate,
    annuity_payment,
    days_past_due,
    early_payoff_interest,
    lending_limit,
    penalty,
    schedule,
    total_interest,
)

JAN_31 = dt.date(2026, 1, 31)


def test_it_keeps_the_day_of_month_or_takes_the_last_day() -> None:
    assert [add_months(JAN_31, k) for k in range(1, 5)] == [
        dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30), dt.date(2026, 5, 31)
    ]
    assert add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)  # leap year
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_it_computes_a_flat_schedule_by_hand() -> None:
    # Rp12.000.000 at 12% flat for 12 months: Rp1.000.000 principal + Rp120.000 interest.
    rows = schedule(principal=12_000_000_00, annual_rate=Decimal(12), months=12,
                    method=Method.FLAT, start=JAN_31)
    assert {(r.principal, r.interest, r.total) for r in rows} == {(1_000_000_00, 120_000_00,
                                                                   1_120_000_00)}
    assert total_interest(rows) == 1_440_000_00
    assert rows[0].due_date == dt.date(2026, 2, 28)
    assert rows[-1].balance_after == 0


def test_it_computes_a_declining_schedule_by_hand() -> None:
    # Rp1.000.000 at 12% (1% a month) over 3 months, equal principal Rp333.333,33:
    # interest 10.000 / 6.666,67 / 3.333,34; instalments rounded to the Rupiah.
    rows = schedule(principal=1_000_000_00, annual_rate=Decimal(12), months=3,
                    method=Method.DECLINING, start=JAN_31)
    assert [(r.principal, r.interest, r.total, r.balance_after) for r in rows] == [
        (333_333_00, 10_000_00, 343_333_00, 666_667_00),
        (333_333_33, 6_666_67, 340_000_00, 333_333_67),
        (333_333_67, 3_333_34, 336_667_01, 0),
    ]


def test_it_computes_an_annuity_from_the_textbook_formula() -> None:
    # A = P·i/(1−(1+i)^−n) with P = 12.000.000, i = 1%, n = 12: Rp1.066.185,46 (a float
    # computation gives 1066185.4641) → Rp1.066.185 each month.
    assert abs(annuity_payment(12_000_000_00, Decimal(12), 12) / 100 - Decimal("1066185.4641")) < (
        Decimal("0.0001"))
    rows = schedule(principal=12_000_000_00, annual_rate=Decimal(12), months=12,
                    method=Method.ANNUITY, start=JAN_31)
    assert [r.total for r in rows[:-1]] == [1_066_185_00] * 11
    assert rows[0].interest == 120_000_00 and rows[0].principal == 946_185_00
    assert rows[1].interest == 110_538_15  # 11.053.815 × 1%, to the sen
    assert rows[-1].total == 1_066_190_89  # the rounding remainder sits in the last one
    assert sum(r.principal for r in rows) == 12_000_000_00


def test_it_charges_interest_only_during_the_grace_period() -> None:
    rows = schedule(principal=6_000_000_00, annual_rate=Decimal(12), months=6,
                    method=Method.DECLINING, start=JAN_31, grace_months=2)
    assert [(r.principal, r.interest) for r in rows[:2]] == [(0, 60_000_00), (0, 60_000_00)]
    assert [r.principal for r in rows[2:]] == [1_500_000_00] * 4
    assert rows[2].interest == 60_000_00 and rows[3].interest == 45_000_00


def test_it_rounds_to_the_unit_the_product_asks() -> None:
    rows = schedule(principal=1_000_000_00, annual_rate=Decimal(18), months=7,
                    method=Method.FLAT, start=JAN_31, rounding_unit=100_00)
    assert all(r.total % 100_00 == 0 for r in rows[:-1])
    assert sum(r.principal for r in rows) == 1_000_000_00


def test_a_zero_rate_annuity_is_equal_principal() -> None:
    rows = schedule(principal=1_000_00, annual_rate=Decimal(0), months=3,
                    method=Method.ANNUITY, start=JAN_31)
    assert [r.total for r in rows] == [333_00, 333_00, 334_00]
    assert total_interest(rows) == 0


@pytest.mark.parametrize("kwargs", [
    {"principal": 0, "months": 12}, {"principal": 100, "months": 0},
    {"principal": 100, "months": 3, "grace_months": 3},
    {"principal": 100, "months": 3, "annual_rate": Decimal(-1)},
])
def test_it_refuses_impossible_loans(kwargs: dict) -> None:
    arguments = {"annual_rate": Decimal(12), "method": "flat", "start": JAN_31} | kwargs
    with pytest.raises(ValueError):
        schedule(**arguments)


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(min_value=1, max_value=5_000_000_000_00),
    rate=st.decimals(min_value=0, max_value=60, places=2),
    months=st.integers(min_value=1, max_value=120),
    grace=st.integers(min_value=0, max_value=6),
    method=st.sampled_from(list(Method)),
    unit=st.sampled_from([1, 100, 10_000]),
)
def test_schedules_follow_the_textbook_formulas(
    principal: int, rate: Decimal, months: int, grace: int, method: Method, unit: int
) -> None:
    grace = min(grace, months - 1)
    rows = schedule(principal=principal, annual_rate=rate, months=months, method=method,
                    start=JAN_31, grace_months=grace, rounding_unit=unit)
    assert len(rows) == months
    assert sum(r.principal for r in rows) == principal
    assert rows[-1].balance_after == 0
    i = rate / 100 / 12
    balance = principal
    for row in rows:
        assert row.principal >= 0 and row.balance_after >= 0
        assert row.total == row.principal + row.interest
        # Textbook interest, to the sen: on P for flat, on the running balance otherwise.
        base = principal if method is Method.FLAT else balance
        assert abs(Decimal(row.interest) - base * i) <= Decimal("0.5")
        if grace < row.n < months:
            if method is Method.ANNUITY:
                textbook = annuity_payment(principal, rate, months - grace)
            else:
                textbook = Decimal(principal) / (months - grace) + row.interest
            # The instalment is the textbook one rounded to the unit (unless the balance ran out).
            assert abs(row.total - textbook) <= Decimal(unit) / 2 or row.balance_after == 0
            # Unless a tiny principal ran out early or is below what rounding can express.
            assert row.total % unit == 0 or row.principal in (0, balance)
        balance = row.balance_after
    if method is Method.FLAT:
        assert total_interest(rows) == sum(r.interest for r in rows)


def test_penalty_per_day_per_month_and_capped() -> None:
    # 0,1% a day of Rp1.120.000 for 10 days = Rp11.200; capped at 10% = Rp112.000.
    assert penalty(overdue=1_120_000_00, days_late=10, rate_percent=Decimal("0.1"),
                   period="day", cap_percent=Decimal(10)) == 11_200_00
    assert penalty(overdue=1_120_000_00, days_late=200, rate_percent=Decimal("0.1"),
                   period="day", cap_percent=Decimal(10)) == 112_000_00
    # 2% a month: 31 days late is two started months.
    assert penalty(overdue=1_000_000_00, days_late=31, rate_percent=Decimal(2),
                   period="month", cap_percent=None) == 40_000_00
    assert penalty(overdue=1_000_000_00, days_late=0, rate_percent=Decimal(2),
                   period="month", cap_percent=None) == 0


def test_allocation_settles_parts_in_order() -> None:
    paid, left = allocate(150_00, [("penalty", 20_00), ("interest", 100_00), ("principal", 500_00)])
    assert paid == [("penalty", 20_00), ("interest", 100_00), ("principal", 30_00)] and left == 0
    paid, left = allocate(1_000_00, [("penalty", 0), ("interest", 100_00)])
    assert paid == [("penalty", 0), ("interest", 100_00)] and left == 900_00


def test_early_payoff_rules() -> None:
    future = [30_00, 20_00, 10_00]
    assert early_payoff_interest("principal_only", future) == 0
    assert early_payoff_interest("current_interest", future) == 30_00
    assert early_payoff_interest("full_interest", future) == 60_00
    assert early_payoff_interest("current_interest", []) == 0


def test_lending_limit_and_days_past_due() -> None:
    assert lending_limit(1_000_000_000_00, Decimal(15)) == 150_000_000_00
    assert lending_limit(-5, Decimal(15)) == 0
    today = dt.date(2026, 11, 20)
    assert days_past_due(dt.date(2026, 10, 21), today) == 30
    assert days_past_due(today, today) == 0
    assert days_past_due(None, today) == 0
