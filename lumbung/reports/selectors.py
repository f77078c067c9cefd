"""Tenant-scoped reads for the statements: balances at a date, from materialized rows.

A balance "through" a day is the (debit sum, credit sum) of every line dated up to that day. It
comes from the ledger's live AccountBalance when nothing is dated later (the usual "today"), else
from the nearest final month-end snapshot plus the few lines after it, or from the live balance
minus the lines after the day, whichever reads fewer days of lines.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Max, Sum

from lumbung.ledger.models import Account, AccountBalance, AccountingPeriod, JournalLine
from lumbung.ledger.services import coa_template_name
from lumbung.reports.calculations import AccountInfo, Balance
from lumbung.reports.models import AccountSnapshot, RatMeeting, ShuPlan, YearEndClosing
from lumbung.tenancy.models import Cooperative

RULES = Path(__file__).parent / "rules"


@cache
def _layout_file(name: str) -> dict[str, Any]:
    with (RULES / f"layout_{name}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def layout(cooperative: Cooperative) -> dict[str, Any]:
    """The statement layouts for the cooperative's chart template (ksp or sharia)."""
    return _layout_file(coa_template_name(cooperative))


def postable_accounts(*, cooperative: Cooperative) -> list[AccountInfo]:
    return [
        AccountInfo(id=pk, code=code, name=name)
        for pk, code, name in Account.objects.filter(cooperative=cooperative, is_heading=False)
        .order_by("code")
        .values_list("id", "code", "name")
    ]


def _line_sums(cooperative: Cooperative, **date_filter: dt.date) -> dict[int, Balance]:
    # order_by() drops the default ordering and its join to the entries.
    rows = (
        JournalLine.objects.filter(cooperative=cooperative, **date_filter)
        .order_by()
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return {row["account_id"]: (row["debit"], row["credit"]) for row in rows}


def balances_through(*, cooperative: Cooperative, day: dt.date) -> dict[int, Balance]:
    """(debit, credit) sums per account id of the lines dated up to and including `day`."""
    live = {
        account_id: (debit, credit, last_date)
        for account_id, debit, credit, last_date in AccountBalance.objects.filter(
            cooperative=cooperative
        ).values_list("account_id", "debit", "credit", "last_date")
    }
    latest = max((row[2] for row in live.values() if row[2]), default=None)
    current = {account_id: (row[0], row[1]) for account_id, row in live.items()}
    if latest is None or latest <= day:
        return current
    if not JournalLine.objects.filter(cooperative=cooperative, date__lte=day).exists():
        return {}  # before the books began (one index probe, no scan)
    snapshot_end = AccountSnapshot.objects.filter(
        cooperative=cooperative, final=True, month_end__lte=day
    ).aggregate(end=Max("month_end"))["end"]
    if snapshot_end is not None and (day - snapshot_end) < (latest - day):
        result = {
            account_id: (debit, credit)
            for account_id, debit, credit in AccountSnapshot.objects.filter(
                cooperative=cooperative, month_end=snapshot_end
            ).values_list("account_id", "debit", "credit")
        }
        if snapshot_end < day:
            for account_id, (debit, credit) in _line_sums(
                cooperative, date__gt=snapshot_end, date__lte=day
            ).items():
                d, c = result.get(account_id, (0, 0))
                result[account_id] = (d + debit, c + credit)
        return result
    for account_id, (debit, credit) in _line_sums(cooperative, date__gt=day).items():
        d, c = current.get(account_id, (0, 0))
        current[account_id] = (d - debit, c - credit)
    return current


def _entry_sums(entry_ids: list[int]) -> dict[int, Balance]:
    if not entry_ids:
        return {}
    rows = (
        JournalLine.objects.filter(entry_id__in=entry_ids)
        .order_by()
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return {row["account_id"]: (row["debit"], row["credit"]) for row in rows}


def closing_turnover(
    *, cooperative: Cooperative, start: dt.date, end: dt.date
) -> dict[int, Balance]:
    """Per account, the lines of the year-end closing entries dated within [start, end]."""
    ids = list(
        YearEndClosing.objects.filter(
            cooperative=cooperative, entry__date__gte=start, entry__date__lte=end
        ).values_list("entry_id", flat=True)
    )
    return _entry_sums(ids)


def shu_allocation_turnover(
    *, cooperative: Cooperative, start: dt.date, end: dt.date
) -> dict[int, Balance]:
    """Per account, the lines of the SHU allocation entries (out of SHU) dated in [start, end]."""
    ids = list(
        ShuPlan.objects.filter(
            cooperative=cooperative, entry__date__gte=start, entry__date__lte=end
        ).values_list("entry_id", flat=True)
    )
    return _entry_sums([pk for pk in ids if pk is not None])


def account_by_purpose(*, cooperative: Cooperative, purpose: str) -> Account:
    return Account.objects.get(cooperative=cooperative, purpose=purpose)


def accounts_by_purpose(*, cooperative: Cooperative, purposes: list[str]) -> list[Account]:
    return list(Account.objects.filter(cooperative=cooperative, purpose__in=purposes))


def closed_periods(*, cooperative: Cooperative) -> list[AccountingPeriod]:
    return list(AccountingPeriod.objects.filter(cooperative=cooperative).order_by("-start_date"))


def year_end_closings(*, cooperative: Cooperative) -> list[YearEndClosing]:
    return list(YearEndClosing.objects.filter(cooperative=cooperative)
                .select_related("entry").order_by("-year"))


def rat_held_on(cooperative: Cooperative, year: int) -> dt.date | None:
    """The date of the RAT held for book year `year`, or None (read by the Dinas side)."""
    return (
        RatMeeting.objects.filter(cooperative=cooperative, year=year)
        .values_list("held_on", flat=True)
        .first()
    )
