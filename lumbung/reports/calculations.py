"""Pure maths of the statements and of SHU: layouts applied to balances, shares. No ORM here.

Amounts are integer sen. A balance is (debit sum, credit sum); "net on the credit side" is
credit - debit, so a contra account comes out negative inside its group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Balance = tuple[int, int]


@dataclass(frozen=True)
class AccountInfo:
    id: int
    code: str
    name: str


@dataclass
class Line:
    """One printed row of a statement.

    kind: "heading", "group" (a layout row over accounts), "account" (a detail under its group),
    "total" (a combination of other rows: `formula`, row key -> +1/-1), "note".
    """

    kind: str
    label: str
    values: Sequence[int | None]
    key: str = ""
    code: str = ""
    formula: dict[str, int] = field(default_factory=dict)
    # The group a detail account belongs to (for spreadsheet SUM formulas).
    group: str = ""


def net(balance: Balance, side: str) -> int:
    debit, credit = balance
    return debit - credit if side == "debit" else credit - debit


def matches(code: str, prefixes: Sequence[str], exclude: Sequence[str] = ()) -> bool:
    return any(code.startswith(p) for p in prefixes) and not any(
        code.startswith(p) for p in exclude
    )


def longest_prefix(code: str, table: Mapping[str, str]) -> str | None:
    best = max((p for p in table if code.startswith(p)), key=len, default=None)
    return table[best] if best is not None else None


def apply_layout(
    rows: Sequence[Mapping[str, Any]],
    accounts: Sequence[AccountInfo],
    columns: Sequence[Mapping[int, Balance]],
) -> list[Line]:
    """Lay out `columns` (account id -> balance, one mapping per column) along `rows`.

    Detail accounts are listed under their group when any column is non-zero; totals combine
    earlier rows. Raises KeyError for a total naming an unknown row (a layout bug).
    """
    lines: list[Line] = []
    values: dict[str, list[int]] = {}
    width = len(columns)
    for row in rows:
        if "heading" in row:
            lines.append(Line("heading", str(row["heading"]), [None] * width))
            continue
        key = str(row["key"])
        if "total" in row:
            formula = {str(k): int(v) for k, v in row["total"].items()}
            amounts = [sum(values[k][i] * sign for k, sign in formula.items())
                       for i in range(width)]
            values[key] = amounts
            lines.append(Line("total", str(row["label"]), list(amounts), key=key, formula=formula))
            continue
        side = str(row["side"])
        prefixes = [str(p) for p in row["prefixes"]]
        exclude = [str(p) for p in row.get("exclude", [])]
        details: list[Line] = []
        amounts = [0] * width
        for account in accounts:
            if not matches(account.code, prefixes, exclude):
                continue
            nets = [net(column.get(account.id, (0, 0)), side) for column in columns]
            amounts = [a + b for a, b in zip(amounts, nets, strict=True)]
            if any(nets):
                details.append(Line("account", account.name, list(nets), code=account.code,
                                    group=key))
        values[key] = amounts
        lines.append(Line("group", str(row["label"]), list(amounts), key=key))
        if row.get("details", True):
            lines.extend(details)
    return lines


def row_values(lines: Sequence[Line], key: str) -> Sequence[int | None]:
    for line in lines:
        if line.key == key:
            return line.values
    raise KeyError(key)


def difference(
    later: Mapping[int, Balance], earlier: Mapping[int, Balance]
) -> dict[int, Balance]:
    """Turnover between two cumulative balance sets (later - earlier), per account."""
    ids = set(later) | set(earlier)
    result = {}
    for account_id in ids:
        d1, c1 = later.get(account_id, (0, 0))
        d0, c0 = earlier.get(account_id, (0, 0))
        result[account_id] = (d1 - d0, c1 - c0)
    return result


def subtract(
    balances: Mapping[int, Balance], taken: Mapping[int, Balance]
) -> dict[int, Balance]:
    result = dict(balances)
    for account_id, (debit, credit) in taken.items():
        d, c = result.get(account_id, (0, 0))
        result[account_id] = (d - debit, c - credit)
    return result


# ---------------------------------------------------------------- SHU


def _as_integers(weights: Mapping[Any, Decimal | int]) -> dict[Any, int]:
    """The weights scaled by one common factor to exact integers (same proportions)."""
    ratios = {key: weight.as_integer_ratio() for key, weight in weights.items()}
    scale = math.lcm(*{denominator for _numerator, denominator in ratios.values()}) or 1
    return {key: numerator * (scale // denominator)
            for key, (numerator, denominator) in ratios.items()}


def largest_remainder(total: int, weights: Mapping[Any, Decimal | int]) -> dict[Any, int]:
    """Split `total` sen in proportion to `weights` (all >= 0) so the parts sum exactly to it.

    Exact arithmetic (weights scaled to integers): each part is first rounded down, then the
    sen left over go one each to the largest remainders (ties: the smaller key as text). With
    no positive weight every part is 0 (the caller decides where the whole amount goes).
    """
    if total < 0:
        raise ValueError("total must not be negative")
    exact_weights = _as_integers(weights)
    if any(w < 0 for w in exact_weights.values()):
        raise ValueError("weights must not be negative")
    parts = dict.fromkeys(weights, 0)
    whole = sum(exact_weights.values())
    if whole == 0 or total == 0:
        return parts
    remainders = []
    for key, weight in exact_weights.items():
        if weight == 0:
            continue
        # total * weight / whole = floor + remainder / whole
        floor, remainder = divmod(total * weight, whole)
        parts[key] = floor
        remainders.append((remainder, key))
    left = total - sum(parts.values())
    remainders.sort(key=lambda item: (-item[0], str(item[1])))
    for _, key in remainders[:left]:
        parts[key] += 1
    return parts


def split_pool(pool: int, percentages: Mapping[str, Decimal]) -> dict[str, int]:
    """The pool (sen) per AD/ART component; the parts sum exactly to the pool."""
    return largest_remainder(pool, percentages)


def average_balance(opening: int, monthly_changes: Sequence[int]) -> Decimal:
    """Average of the twelve month-end balances that start from `opening`."""
    balance = opening
    total = 0
    for change in monthly_changes:
        balance += change
        total += balance
    return Decimal(total) / len(monthly_changes) if monthly_changes else Decimal(opening)


def net_pair(balance: Balance) -> tuple[int, int]:
    """A balance as (net debit, net credit), one of them zero."""
    debit, credit = balance
    return (debit - credit, 0) if debit >= credit else (0, credit - debit)
