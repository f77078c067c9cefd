"""Every write of the reports app: month snapshots, month close and re-open, year-end closing.

SHU plans and distribution are in shu.py, the RAT in rat.py; all write through here or the
ledger's services.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lumbung.reports import selectors
from lumbung.reports.models import AccountSnapshot
from lumbung.tenancy.models import Cooperative


def month_snapshot_write(*, cooperative: Cooperative, month_end: dt.date, final: bool) -> int:
    """Copy every account's balance through `month_end` into the month's snapshot (replacing an
    earlier one); return the number of accounts written. A final snapshot is never replaced by
    a provisional one."""
    with transaction.atomic():
        existing = AccountSnapshot.objects.filter(cooperative=cooperative, month_end=month_end)
        if not final and existing.filter(final=True).exists():
            return 0
        balances = selectors.balances_through(cooperative=cooperative, day=month_end)
        existing.delete()
        AccountSnapshot.objects.bulk_create(
            AccountSnapshot(cooperative=cooperative, account_id=account_id, month_end=month_end,
                            debit=debit, credit=credit, final=final)
            for account_id, (debit, credit) in balances.items()
            if debit or credit
        )
    return sum(1 for debit, credit in balances.values() if debit or credit)
