"""Month close (named checks, lock, final snapshot), the board's re-open, year-end closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountingPeriod, JournalEntry
from lumbung.ledger.services import checkpoint_create
from lumbung.reports.closing import month_close, month_reopen, year_end_close
from lumbung.reports.models import AccountSnapshot, YearEndClosing
from lumbung.reports.statements import build
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff
from tests.reports.conftest import cr, dr, post
from tests.teller.conftest import counter  # noqa: F401

D = dt.date


@pytest.fixture
def board(city):
    return _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        days.append(following - dt.timedelta(days=1))
        day = following
    return days


def _close_through(coop, user, last: dt.date) -> None:
    for end in _month_ends(D(2025, 1, 1), last):
        checkpoint_create(cooperative=coop, date=end, acting_user=None)
        month_close(cooperative=coop, month=end, acting_user=user)


def test_it_refuses_to_close_naming_each_failing_check(books, city):
    post(books, D(2025, 1, 20), dr("1190", 5_000_00), cr("1101", 5_000_00), text="selisih")
    with pytest.raises(LumbungError) as refused:
        month_close(cooperative=books, month=D(2025, 1, 1), acting_user=city.accountant_a)
    assert refused.value.code == "REPORT_CLOSE_CHECKS_FAILED"
    assert "EOD tanggal 2025-01-31" in refused.value.message
    assert "1190" in refused.value.message
    assert not AccountingPeriod.objects.filter(cooperative=books).exists()
    assert not AccountSnapshot.objects.filter(cooperative=books).exists()


def test_it_refuses_closing_to_a_teller(books, city):
    checkpoint_create(cooperative=books, date=D(2025, 1, 31), acting_user=None)
    with pytest.raises(LumbungError) as refused:
        month_close(cooperative=books, month=D(2025, 1, 1), acting_user=city.teller_a)
    assert refused.value.code == "PERMISSION_DENIED"
    assert not AccountingPeriod.objects.filter(cooperative=books).exists()


def test_it_closes_locks_and_the_board_reopens(books, city, board):
    _close_through(books, city.accountant_a, D(2025, 12, 31))
    assert AccountingPeriod.objects.filter(cooperative=books, closed_at__isnull=False).count() == 12
    assert AccountSnapshot.objects.filter(cooperative=books, month_end=D(2025, 12, 31),
                                          final=True).exists()
    with pytest.raises(LumbungError) as refused:
        post(books, D(2025, 12, 20), dr("5303", 1_00), cr("1101", 1_00))
    assert refused.value.code == "LEDGER_PERIOD_CLOSED"
    # Statements read the final snapshot and still tie out.
    assert build("balance-sheet", cooperative=books, start=D(2026, 1, 1),
                 end=D(2026, 11, 20)).ties_out
    with pytest.raises(LumbungError) as refused:
        month_reopen(cooperative=books, month=D(2025, 12, 1), reason="koreksi",
                     acting_user=city.manager_a)
    assert refused.value.code == "PERMISSION_DENIED"
    with pytest.raises(LumbungError) as refused:
        month_reopen(cooperative=books, month=D(2025, 11, 1), reason="koreksi",
                     acting_user=board)
    assert refused.value.code == "LEDGER_PERIOD_NOT_LATEST"
    period = month_reopen(cooperative=books, month=D(2025, 12, 1), reason="koreksi gaji",
                          acting_user=board)
    assert period.reopen_count == 1 and period.closed_at is None
    event = AuditEvent.objects.get(action="ledger.period.reopened")
    assert event.data["reason"] == "koreksi gaji"
    assert not AccountSnapshot.objects.filter(cooperative=books, month_end=D(2025, 12, 31),
                                              final=True).exists()
    post(books, D(2025, 12, 20), dr("5303", 1_00), cr("1101", 1_00))


def test_the_database_lets_a_period_reopen_only_counted(books, city):
    _close_through(books, city.accountant_a, D(2025, 1, 31))
    period = AccountingPeriod.objects.get(cooperative=books)
    with pytest.raises(Exception, match="LEDGER_PERIOD_CLOSED"), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_accountingperiod SET closed_at = NULL, "
                       "reopen_count = reopen_count + 2 WHERE id = %s", [period.pk])


def test_it_closes_the_year_to_current_surplus_once(books, city):
    closing = year_end_close(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert closing.surplus == 400_000_00
    entry = closing.entry
    assert entry.date == D(2025, 12, 31) and entry.source == "closing"
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.all()}
    assert lines == {("4101", 600_000_00, 0), ("5303", 0, 200_000_00),
                     ("3302", 0, 400_000_00)}
    sheet = build("balance-sheet", cooperative=books, start=D(2026, 1, 1), end=D(2026, 11, 20))
    assert sheet.value("surplus_accounts", 1) == 400_000_00
    assert sheet.value("running_result", 1) == 0
    assert sheet.value("running_result", 0) == 315_000_00
    assert sheet.ties_out
    phu = build("surplus-statement", cooperative=books, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert phu.value("surplus_after_tax") == 400_000_00 and phu.ties_out
    equity = build("equity-changes", cooperative=books, start=D(2025, 1, 1),
                   end=D(2025, 12, 31))
    assert equity.ties_out and equity.value("surplus", 4) == 400_000_00
    flow = build("cash-flow", cooperative=books, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert flow.ties_out
    entries = JournalEntry.objects.filter(cooperative=books).count()
    with pytest.raises(LumbungError) as refused:
        year_end_close(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert refused.value.code == "REPORT_YEAR_ALREADY_CLOSED"
    with pytest.raises(LumbungError) as refused:
        year_end_close(cooperative=books, year=2026, acting_user=city.accountant_a)
    assert refused.value.code == "REPORT_YEAR_NOT_ENDED"
    assert JournalEntry.objects.filter(cooperative=books).count() == entries
    assert YearEndClosing.objects.filter(cooperative=books).count() == 1


def test_it_refuses_to_close_while_a_drawer_is_open(city, counter):  # noqa: F811
    from lumbung.teller.services import drawer_session_open
    from lumbung.tenancy.models import Cooperative

    # Teller A opened a drawer on 30 October and never closed it.
    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=D(2026, 10, 30))
    city.coop_a.refresh_from_db()
    drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                        float_amount=1_000_000_00, acting_user=city.teller_a)
    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=D(2026, 11, 20))
    city.coop_a.refresh_from_db()
    checkpoint_create(cooperative=city.coop_a, date=D(2026, 10, 31), acting_user=None)
    entries = JournalEntry.objects.filter(cooperative=city.coop_a).count()
    with pytest.raises(LumbungError) as refused:
        month_close(cooperative=city.coop_a, month=D(2026, 10, 1),
                    acting_user=city.accountant_a)
    assert refused.value.code == "REPORT_CLOSE_CHECKS_FAILED"
    assert "Semua laci kas teller sudah ditutup: 1 laci kas masih terbuka." in (
        refused.value.message)
    assert "EOD" not in refused.value.message
    assert not AccountingPeriod.objects.filter(cooperative=city.coop_a).exists()
    assert not AccountSnapshot.objects.filter(cooperative=city.coop_a).exists()
    assert JournalEntry.objects.filter(cooperative=city.coop_a).count() == entries
