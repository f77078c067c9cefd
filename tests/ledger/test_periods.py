"""Month close: ended months only, in order, never reopened; back-dating is permitted and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountBalance, AccountingPeriod, JournalEntry, JournalLine
from lumbung.ledger.services import LineSpec, manual_entry_submit, period_close
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import account_id, force_deferred_checks, post, raw_entry, raw_line

OCTOBER = dt.date(2026, 10, 1)
SEPTEMBER = dt.date(2026, 9, 1)
CASH_IN = [("1101", 1_500_00, 0), ("3103", 0, 1_500_00)]


def _backdated(city, day, amount=1_500_00):
    return post(city.coop_a, [("1101", amount, 0), ("3103", 0, amount)], date=day,
                allow_backdate=True, acting_user=city.manager_a)


def _error(call):
    with pytest.raises(LumbungError) as caught:
        call()
    return caught.value


def _set_business_date(cooperative, day):
    type(cooperative).objects.filter(pk=cooperative.pk).update(business_date=day)
    cooperative.refresh_from_db()


def test_it_closes_an_ended_month_and_refuses_postings_into_it(city):
    _backdated(city, dt.date(2026, 10, 15))
    period = period_close(cooperative=city.coop_a, month=OCTOBER, acting_user=city.manager_a)
    assert (period.start_date, period.end_date, period.closed_by) == (
        OCTOBER, dt.date(2026, 10, 31), city.manager_a)
    assert period.label == "2026-10" and period.is_closed
    assert AuditEvent.objects.filter(action="ledger.period.closed",
                                     data__period="2026-10").count() == 1

    entries, lines = JournalEntry.objects.count(), JournalLine.objects.count()
    error = _error(lambda: _backdated(city, dt.date(2026, 10, 31)))
    assert error.code == "LEDGER_PERIOD_CLOSED"
    assert error.params["period"] == "2026-10"
    error = _error(lambda: manual_entry_submit(
        cooperative=city.coop_a, lines=[LineSpec("1101", debit=100), LineSpec("3103", credit=100)],
        description="koreksi", date=dt.date(2026, 10, 2), allow_backdate=True,
        acting_user=city.manager_a))
    assert error.code == "LEDGER_PERIOD_CLOSED"
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == (entries, lines)
    assert AccountBalance.objects.get(account__cooperative=city.coop_a,
                                      account__code="1101").debit == 1_500_00
    # November stays open.
    assert _backdated(city, dt.date(2026, 11, 1)).number == 2


def test_it_refuses_postings_before_a_closed_month_too(city):
    # September was never closed, but October's close settles it: no posting may change
    # the balances October closed with.
    period_close(cooperative=city.coop_a, month=OCTOBER, acting_user=None)
    error = _error(lambda: _backdated(city, dt.date(2026, 9, 30)))
    assert error.code == "LEDGER_PERIOD_CLOSED"
    assert JournalEntry.objects.count() == 0
    # And the database agrees.
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        entry_id = raw_entry(cur, city.coop_a.pk, number=1, day=dt.date(2026, 9, 30), total=5,
                             line_count=2)
        raw_line(cur, city.coop_a.pk, entry_id=entry_id, line_no=1,
                 account=account_id(city.coop_a, "1101"), debit=5, credit=0,
                 day=dt.date(2026, 9, 30))
    assert "LEDGER_PERIOD_CLOSED" in str(caught.value)
    assert JournalEntry.objects.count() == 0


def test_it_refuses_to_close_a_month_not_yet_ended(city):
    for month in (BUSINESS_DATE, dt.date(2026, 12, 1)):
        error = _error(lambda m=month: period_close(cooperative=city.coop_a, month=m,
                                                    acting_user=None))
        assert error.code == "LEDGER_PERIOD_NOT_ENDED"
    # Even on its last day the month is not over until the day is closed.
    _set_business_date(city.coop_a, dt.date(2026, 11, 30))
    assert _error(lambda: period_close(cooperative=city.coop_a, month=BUSINESS_DATE,
                                       acting_user=None)).code == "LEDGER_PERIOD_NOT_ENDED"
    assert AccountingPeriod.objects.count() == 0
    _set_business_date(city.coop_a, dt.date(2026, 12, 1))
    assert period_close(cooperative=city.coop_a, month=BUSINESS_DATE, acting_user=None).is_closed


def test_it_closes_months_in_order(city):
    _backdated(city, dt.date(2026, 9, 10))
    _backdated(city, dt.date(2026, 10, 10))
    error = _error(lambda: period_close(cooperative=city.coop_a, month=OCTOBER, acting_user=None))
    assert error.code == "LEDGER_PERIOD_ORDER"
    assert AccountingPeriod.objects.count() == 0
    period_close(cooperative=city.coop_a, month=SEPTEMBER, acting_user=None)
    period_close(cooperative=city.coop_a, month=OCTOBER, acting_user=None)
    assert list(AccountingPeriod.objects.filter(closed_at__isnull=False)
                .values_list("start_date", flat=True)) == [SEPTEMBER, OCTOBER]


def test_it_closes_a_month_only_once(city):
    first = period_close(cooperative=city.coop_a, month=OCTOBER, acting_user=city.manager_a)
    again = period_close(cooperative=city.coop_a, month=dt.date(2026, 10, 20),
                         acting_user=city.accountant_a)
    assert again.pk == first.pk
    assert again.closed_at == first.closed_at and again.closed_by == city.manager_a
    assert AuditEvent.objects.filter(action="ledger.period.closed").count() == 1


def test_it_keeps_periods_per_cooperative(city):
    period_close(cooperative=city.coop_a, month=OCTOBER, acting_user=None)
    entry = post(city.coop_b, CASH_IN, date=dt.date(2026, 10, 5), allow_backdate=True)
    assert entry.date == dt.date(2026, 10, 5)


def test_it_needs_permission_to_back_date_and_audits_it(city):
    error = _error(lambda: post(city.coop_a, CASH_IN, date=dt.date(2026, 11, 19),
                                acting_user=city.accountant_a))
    assert error.code == "LEDGER_BACKDATE_FORBIDDEN"
    assert JournalEntry.objects.count() == 0
    assert AuditEvent.objects.filter(action="ledger.entry.posted").count() == 0

    entry = _backdated(city, dt.date(2026, 11, 19))
    force_deferred_checks()
    assert entry.date == dt.date(2026, 11, 19)
    assert list(JournalLine.objects.values_list("date", flat=True)) == [dt.date(2026, 11, 19)] * 2
    event = AuditEvent.objects.get(action="ledger.entry.posted")
    assert event.actor == city.manager_a
    assert event.cooperative == city.coop_a
    assert event.object_id == str(entry.pk)
    assert event.data["date"] == "2026-11-19"
    assert event.data["business_date"] == "2026-11-20"
    assert event.data["total"] == 1_500_00
    # An ordinary posting on the business date is its own trail: no extra audit row.
    post(city.coop_a, CASH_IN)
    assert AuditEvent.objects.filter(action="ledger.entry.posted").count() == 1


def test_it_refuses_a_date_after_the_business_date(city):
    error = _error(lambda: post(city.coop_a, CASH_IN, date=dt.date(2026, 11, 21),
                                allow_backdate=True))
    assert error.code == "LEDGER_FUTURE_DATE"
    assert JournalEntry.objects.count() == 0
