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
    within the range, in any order (any outside it are ignored). Built run by run, so an
    account without movements costs one list, not a loop over the days (100,000 accounts a
    month end).
    """
    days = (end - start).days + 1
    if days <= 0:
        return []
    by_index: dict[int, int] = {}
    for day, amount in movements:
        index = (day - start).days
        if 0 <= index < days:
            by_index[index] = by_index.get(index, 0) + amount
    balances: list[int] = []
    balance, done = opening, 0
    for index in sorted(by_index):
        balances.extend([balance] * (index - done))
        balance += by_index[index]
        done = index
    balances.extend([balance] * (days - done))
    return balances


def interest_exact(base_days: Sequence[int], rate: Decimal) -> Decimal:
    """Unrounded interest (sen) on daily balances: Σ balance × rate% / 365 (the sum of whole
    sen is exact, so it is taken before the one division)."""
    return Decimal(sum(base_days)) * rate / HUNDRED / DAYS_IN_YEAR


def lowest_balance_interest(balances: Sequence[int], rate: Decimal, minimum: int = 0) -> int:
    """Interest for a period on its lowest end-of-day balance, for every day of the period.
    Nothing when the lowest balance is below `minimum` (the product's minimum balance)."""
    if not balances:
        return 0
    lowest = min(balances)
    if lowest <= 0 or lowest < minimum:
        return 0
    return round_sen(interest_exact([lowest] * len(balances), rate))


def _positive_sum(balances: Sequence[int]) -> int:
    return sum(b for b in balances if b > 0)


def average_balance(balances: Sequence[int]) -> Decimal:
    """Average daily balance (sen, unrounded); negative days count as zero."""
    if not balances:
        return Decimal(0)
    return Decimal(_positive_sum(balances)) / len(balances)


def average_balance_interest(balances: Sequence[int], rate: Decimal, minimum: int = 0) -> int:
    """Interest on the average daily balance = the sum of each day's interest, rounded once.
    Nothing when the average is below `minimum`."""
    if not balances:
        return 0
    total = _positive_sum(balances)
    if Decimal(total) / len(balances) < minimum:
        return 0
    return round_sen(Decimal(total) * rate / HUNDRED / DAYS_IN_YEAR)


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


def pro_rata(total: int, weights: dict[int, Decimal]) -> dict[int, int]:
    """Split `total` sen over the keys in proportion to their weights, so the parts sum to
    `total` exactly: each key gets the whole sen of its share, and the sen left over go one
    each to the largest remainders (ties to the smaller key). Keys with weight 0 or less get
    nothing; all weights 0: everything 0."""
    positive = {key: weight for key, weight in weights.items() if weight > 0}
    result = dict.fromkeys(weights, 0)
    whole = sum(positive.values(), Decimal(0))
    if total <= 0 or whole <= 0:
        return result
    remainders = []
    for key, weight in positive.items():
        exact = Decimal(total) * weight / whole
        floor = int(exact)
        result[key] = floor
        remainders.append((exact - floor, key))
    left = total - sum(result.values())
    for _remainder, key in sorted(remainders, key=lambda item: (-item[0], item[1]))[:left]:
        result[key] += 1
    return result
