"""Pure savings maths: dates, daily balances, interest, profit share, withholding tax. No ORM.

Amounts are int sen; rates are Decimal percentages a year; every rounding goes through
core.money.round_sen. Interest is simple interest on an actual/365 day count, the usual
practice for savings (no regulation prescribes it: regulations.md §4.1, [SECONDARY]).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lumbung.core.money import round_sen

DAYS_IN_YEAR = Decimal(365)
HUNDRED = Decimal(100)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1
    month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def daily_balances(
    opening: int, movements: Iterable[tuple[dt.date, int]], start: dt.date, end: dt.date
) -> list[int]:
    """End-of-day balance for each day from `start` to `end` inclusive.

    `opening` is the balance at the start of `start`; `movements` are (date, signed amount)
    within the range, in any order.
    """
    by_day: dict[dt.date, int] = {}
    for day, amount in movements:
        by_day[day] = by_day.get(day, 0) + amount
    balances = []
    balance = opening
    day = start
    while day <= end:
        balance += by_day.get(day, 0)
        balances.append(balance)
        day += dt.timedelta(days=1)
    return balances


def interest_exact(base_days: Sequence[int], rate: Decimal) -> Decimal:
    """Unrounded interest (sen) on daily balances: Σ balance × rate% / 365."""
    return sum((Decimal(b) for b in base_days), Decimal(0)) * rate / HUNDRED / DAYS_IN_YEAR


def lowest_balance_interest(balances: Sequence[int], rate: Decimal, minimum: int = 0) -> int:
    """Interest for a period on its lowest end-of-day balance, for every day of the period.
    Nothing when the lowest balance is below `minimum` (the product's minimum balance)."""
    if not balances:
        return 0
    lowest = min(balances)
    if lowest <= 0 or lowest < minimum:
        return 0
    return round_sen(interest_exact([lowest] * len(balances), rate))


def average_balance(balances: Sequence[int]) -> Decimal:
    """Average daily balance (sen, unrounded); negative days count as zero."""
    if not balances:
        return Decimal(0)
    return Decimal(sum(max(b, 0) for b in balances)) / len(balances)


def average_balance_interest(balances: Sequence[int], rate: Decimal, minimum: int = 0) -> int:
    """Interest on the average daily balance = the sum of each day's interest, rounded once.
    Nothing when the average is below `minimum`."""
    if not balances or average_balance(balances) < minimum:
        return 0
    return round_sen(interest_exact([max(b, 0) for b in balances], rate))


def daily_accruals(balances: Sequence[int], rate: Decimal) -> list[int]:
    """Each day's accrual (sen) on the average-balance method, such that the days always sum
    to the period's interest to the sen: day k accrues round(cumulative k) - round(cumulative
    k-1), so no rounding error builds up."""
    accruals = []
    cumulative = Decimal(0)
    posted = 0
    for balance in balances:
        cumulative += Decimal(max(balance, 0)) * rate / HUNDRED / DAYS_IN_YEAR
        total = round_sen(cumulative)
        accruals.append(total - posted)
        posted = total
    return accruals


@dataclass(frozen=True)
class TaxRule:
    """Withholding tax on interest (rules/withholding_tax.yaml): monthly interest of one account
    up to `threshold` sen is untaxed; above it `rate`% of the gross (base "gross") or of the
    part above the threshold (base "excess")."""

    threshold: int
    rate: Decimal
    base: str = "gross"


def withholding_tax(interest: int, rule: TaxRule) -> int:
    """Tax (sen) withheld from one account's monthly interest."""
    if interest <= rule.threshold:
        return 0
    taxable = interest if rule.base == "gross" else interest - rule.threshold
    return round_sen(Decimal(taxable) * rule.rate / HUNDRED)


def profit_shares(
    average_balances: dict[int, Decimal],
    distributable_income: int,
    total_funds: Decimal,
    nisbah: dict[int, Decimal],
) -> dict[int, int]:
    """Mudharabah profit share per account (sen).

    The income attributable to members' funds is distributable income × (account's average
    balance / all funds the income was earned on); the member receives their nisbah (%) of it:
    share = income × avg / total_funds × nisbah / 100, rounded per account. No income or no
    funds: nothing (a loss is never passed to the saver as a negative share here).
    """
    if distributable_income <= 0 or total_funds <= 0:
        return dict.fromkeys(average_balances, 0)
    return {
        key: round_sen(Decimal(distributable_income) * avg / total_funds * nisbah[key] / HUNDRED)
        for key, avg in average_balances.items()
    }


def early_withdrawal_penalty(principal: int, penalty_rate: Decimal) -> int:
    """Penalty (sen) for breaking a time deposit before maturity: a percentage of principal."""
    return round_sen(Decimal(principal) * penalty_rate / HUNDRED)
