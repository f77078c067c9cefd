"""Loan maths with plain values: schedules, due dates, penalties, allocation, early payoff.

No ORM here, so every rule is tested with hand-worked examples and hypothesis. Amounts are int
sen, rates Decimal percent per year (or per day / month for penalties). Textbook formulas
(shared/domain/regulations.md §4.2), with P the principal, i = r / 12 and n months:

  flat       interest_t = P · i,            principal_t ≈ P / n
  declining  interest_t = balance_{t-1} · i, principal_t ≈ P / n      (efektif / menurun)
  annuity    interest_t = balance_{t-1} · i, total_t ≈ A = P · i / (1 − (1 + i)^−n)

Interest is rounded to the sen; the instalment the member pays (principal + interest) is rounded
to the product's unit (default whole Rupiah) and the last instalment takes the remainder, so the
principal always sums exactly to P and the balance ends at 0. During a grace period the member
pays interest only; the principal is spread over the months after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from lumbung.core.money import round_sen, round_to_unit

HUNDRED = Decimal(100)
MONTHS_PER_YEAR = 12


class Method(StrEnum):
    FLAT = "flat"
    DECLINING = "declining"
    ANNUITY = "annuity"


@dataclass(frozen=True)
class ScheduleRow:
    """One instalment. Amounts in sen."""

    n: int
    due_date: dt.date
    principal: int
    interest: int
    total: int
    balance_after: int

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "due_date": self.due_date.isoformat(),
            "principal": self.principal,
            "interest": self.interest,
            "total": self.total,
            "balance_after": self.balance_after,
        }


def add_months(start: dt.date, months: int) -> dt.date:
    """`start` moved by whole months keeping its day, or the month's last day when it has none
    (31 January + 1 month = 28 or 29 February; + 2 months = 31 March)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    return Decimal(annual_rate_percent) / HUNDRED / MONTHS_PER_YEAR


def annuity_payment(principal: int, annual_rate_percent: Decimal, months: int) -> Decimal:
    """A = P · i / (1 − (1 + i)^−n), unrounded (sen as a Decimal); P / n when the rate is 0."""
    i = monthly_rate(annual_rate_percent)
    if i == 0:
        return Decimal(principal) / months
    return Decimal(principal) * i / (1 - (1 + i) ** -months)


def schedule(
    *,
    principal: int,
    annual_rate: Decimal,
    months: int,
    method: Method | str,
    start: dt.date,
    grace_months: int = 0,
    rounding_unit: int = 100,
) -> list[ScheduleRow]:
    """The instalment plan of a loan disbursed on `start` (first due date one month later).

    Raises ValueError for a principal or term that is not positive, a negative rate, or a grace
    period that leaves no month to repay the principal.
    """
    method = Method(method)
    annual_rate = Decimal(annual_rate)
    if principal <= 0 or months <= 0:
        raise ValueError("principal and months must be positive")
    if annual_rate < 0:
        raise ValueError("rate must not be negative")
    if not 0 <= grace_months < months:
        raise ValueError("grace period must leave at least one month of repayment")
    i = monthly_rate(annual_rate)
    repaying = months - grace_months
    equal_principal = Decimal(principal) / repaying
    annuity = annuity_payment(principal, annual_rate, repaying)
    rows: list[ScheduleRow] = []
    balance = principal
    for n in range(1, months + 1):
        base = principal if method is Method.FLAT else balance
        interest = round_sen(base * i)
        if n <= grace_months:
            principal_part = 0
            total = interest
        elif n == months:
            principal_part = balance
            total = principal_part + interest
        else:
            target = annuity if method is Method.ANNUITY else equal_principal + interest
            total = round_to_unit(target, rounding_unit)
            principal_part = min(max(total - interest, 0), balance)
            total = principal_part + interest
        balance -= principal_part
        rows.append(ScheduleRow(n, add_months(start, n), principal_part, interest, total, balance))
    return rows


def total_interest(rows: Sequence[ScheduleRow]) -> int:
    return sum(row.interest for row in rows)


# ---------------------------------------------------------------- penalties


class PenaltyPeriod(StrEnum):
    DAY = "day"
    MONTH = "month"


def penalty(
    *,
    overdue: int,
    days_late: int,
    rate_percent: Decimal,
    period: PenaltyPeriod | str,
    cap_percent: Decimal | None,
) -> int:
    """Denda on an overdue instalment amount (sen) after `days_late` days.

    Per day: overdue × rate × days; per month: overdue × rate × started months (30 days each).
    Capped at `cap_percent` of the overdue amount when a cap is set. Rounded to the sen.
    """
    if overdue <= 0 or days_late <= 0:
        return 0
    units = days_late if PenaltyPeriod(period) is PenaltyPeriod.DAY else -(-days_late // 30)
    amount = Decimal(overdue) * Decimal(rate_percent) / HUNDRED * units
    if cap_percent is not None:
        amount = min(amount, Decimal(overdue) * Decimal(cap_percent) / HUNDRED)
    return round_sen(amount)


# ---------------------------------------------------------------- allocation

DEFAULT_ALLOCATION = ("penalty", "interest", "principal")


def allocate(amount: int, owed: Sequence[tuple[str, int]]) -> tuple[list[tuple[str, int]], int]:
    """Split `amount` over the (part, owed) buckets in order, each up to what it owes.

    Returns the parts paid (same order, zeros kept) and what is left over.
    """
    paid: list[tuple[str, int]] = []
    left = amount
    for part, due in owed:
        take = min(left, max(due, 0))
        paid.append((part, take))
        left -= take
    return paid, left


# ---------------------------------------------------------------- early payoff


class EarlyPayoffRule(StrEnum):
    # Only the principal and what is already due: future interest is waived.
    PRINCIPAL_ONLY = "principal_only"
    # The interest of the running instalment is charged as well.
    CURRENT_INTEREST = "current_interest"
    # All scheduled interest (and murabahah margin) stays due.
    FULL_INTEREST = "full_interest"


def early_payoff_interest(
    rule: EarlyPayoffRule | str, future_interest: Sequence[int]
) -> int:
    """Interest charged on early payoff from the unpaid interest of the instalments not yet due
    (in due order)."""
    rule = EarlyPayoffRule(rule)
    if rule is EarlyPayoffRule.FULL_INTEREST:
        return sum(future_interest)
    if rule is EarlyPayoffRule.CURRENT_INTEREST:
        return future_interest[0] if future_interest else 0
    return 0


# ---------------------------------------------------------------- lending limit (BMPP)


def lending_limit(own_capital: int, limit_percent: Decimal) -> int:
    """BMPP: the most one borrower may owe, a share of modal sendiri (sen, rounded down to the
    sen by round_sen of a non-negative value)."""
    return max(round_sen(Decimal(own_capital) * Decimal(limit_percent) / HUNDRED), 0)


def days_past_due(oldest_unpaid_due: dt.date | None, today: dt.date) -> int:
    """Days since the oldest unpaid instalment fell due (0 when nothing is overdue)."""
    if oldest_unpaid_due is None or oldest_unpaid_due >= today:
        return 0
    return (today - oldest_unpaid_due).days
