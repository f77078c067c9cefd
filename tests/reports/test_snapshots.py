"""Month-end snapshots: written by the EOD step, final at close, and read back exactly."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from lumbung.batch.services import eod_run
from lumbung.ledger.models import JournalLine
from lumbung.reports.models import AccountSnapshot
from lumbung.reports.selectors import balances_through
from lumbung.reports.services import month_snapshot_write

D = dt.date


def _scan(cooperative, day):
    """The oracle: sum every line up to `day` (what the snapshots save us from doing)."""
    rows = (JournalLine.objects.filter(cooperative=cooperative, date__lte=day).order_by()
            .values("account_id").annotate(d=Sum("debit"), c=Sum("credit")))
    return {r["account_id"]: (r["d"], r["c"]) for r in rows}


def _nonzero(balances):
    return {k: v for k, v in balances.items() if v != (0, 0)}


def test_it_reads_balances_at_any_day_from_snapshots_exactly(books):
    for month_end in (D(2025, 6, 30), D(2025, 12, 31), D(2026, 3, 31), D(2026, 6, 30)):
        month_snapshot_write(cooperative=books, month_end=month_end, final=True)
    assert AccountSnapshot.objects.filter(cooperative=books, final=True).count() > 0
    day = D(2025, 1, 1)
    while day <= D(2026, 11, 20):
        assert _nonzero(balances_through(cooperative=books, day=day)) == _scan(books, day), day
        day += dt.timedelta(days=9)


def test_it_snapshots_at_month_end_in_the_eod_run(books, city):
    books.business_date = D(2026, 11, 29)
    books.save(update_fields=["business_date"])
    eod_run(cooperatives=[books], until=D(2026, 11, 30), acting_user=None)
    rows = AccountSnapshot.objects.filter(cooperative=books, month_end=D(2026, 11, 30))
    assert {(r.account_id, r.debit, r.credit) for r in rows} == {
        (k, d, c) for k, (d, c) in _scan(books, D(2026, 11, 30)).items()}
    assert not rows.filter(final=True).exists()
