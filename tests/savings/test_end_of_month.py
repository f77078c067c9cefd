"""End of day and month: accrual, interest posting with tax, profit share, wajib billing,
dormancy, maturities; idempotent, and the books still verify."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from lumbung.batch.services import eod_run
from lumbung.ledger.models import JournalEntry, JournalLine
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.ledger.verify import verify_cooperative
from lumbung.savings import periodic
from lumbung.savings.models import SavingsAccount, SavingsProduct, WajibDue
from lumbung.savings.selectors import account_balance
from lumbung.savings.services import savings_account_open, savings_deposit
from tests.savings.conftest import RUPIAH, account_of, admit, vault

NOVEMBER_END = dt.date(2026, 11, 30)


def _deposit(coop, user, account, amount):
    savings_deposit(cooperative=coop, account=account, amount=amount, counterpart=vault(coop),
                    acting_user=user, idempotency_key=None)


def _lines_total(coop, code, source=("savings.eod", "savings.interest")):
    sums = JournalLine.objects.filter(cooperative=coop, account__code=code,
                                      entry__source__in=source).aggregate(d=Sum("debit"),
                                                                      c=Sum("credit"))
    return (sums["d"] or 0), (sums["c"] or 0)


def test_month_end_posts_the_accrued_interest_less_tax(city, siti, budi):
    coop = city.coop_a
    SavingsProduct.objects.filter(cooperative=coop, kind="sukarela").update(
        interest_method="average")
    small, large = account_of(siti, "sukarela"), account_of(budi, "sukarela")
    _deposit(coop, city.teller_a, small, 10_000_000 * RUPIAH)
    _deposit(coop, city.teller_a, large, 500_000_000 * RUPIAH)
    [result] = eod_run(cooperatives=[coop], until=NOVEMBER_END, acting_user=None)
    assert result.error is None
    # Eleven days (20-30 November) at 3% a year on the average daily balance:
    # Rp10.000.000 × 3% × 11/365 = Rp9.041,0958... -> Rp9.041,10, under the tax threshold;
    # Rp500.000.000 -> Rp452.054,79, above Rp240.000: 10% final = Rp45.205,48.
    assert account_balance(small) == 10_000_000 * RUPIAH + 904_110
    assert account_balance(large) == 500_000_000 * RUPIAH + 45_205_479 - 4_520_548
    # The daily accruals (11 entries) add up to exactly what was posted.
    assert _lines_total(coop, "5101") == (904_110 + 45_205_479, 0)
    accrued_debit, accrued_credit = _lines_total(coop, "2108")
    assert accrued_debit == accrued_credit == 904_110 + 45_205_479
    assert _lines_total(coop, "2107") == (0, 4_520_548)
    posting = JournalEntry.objects.get(cooperative=coop, description__startswith="Bunga")
    assert posting.line_count == 5  # accrued, tax, two credits, one tax debit
    # Wajib for December billed to both members; nothing paid ahead.
    dues = WajibDue.objects.filter(account__cooperative=coop, month=dt.date(2026, 12, 1))
    assert sorted(d.outstanding for d in dues) == [50_000 * RUPIAH] * 2
    assert verify_cooperative(coop).ok
    # Running the month-end again changes nothing.
    entries = JournalEntry.objects.count()
    periodic.interest_accrue(cooperative=coop, business_date=NOVEMBER_END, acting_user=None)
    assert JournalEntry.objects.count() == entries


def test_wajib_paid_ahead_settles_the_next_bill(city, siti):
    coop = city.coop_a
    _deposit(coop, city.teller_a, account_of(siti, "wajib"), 50_000 * RUPIAH)
    periodic.wajib_bill(cooperative=coop, business_date=NOVEMBER_END, acting_user=None)
    due = WajibDue.objects.get(account=account_of(siti, "wajib"), month=dt.date(2026, 12, 1))
    assert (due.paid, due.outstanding) == (50_000 * RUPIAH, 0)
    assert periodic.wajib_bill(cooperative=coop, business_date=NOVEMBER_END,
                               acting_user=None) == {"billed": 0}


def test_accounts_without_the_members_movements_become_dormant(city, siti, budi):
    coop = city.coop_a
    _deposit(coop, city.teller_a, account_of(budi, "sukarela"), 100_000 * RUPIAH)
    # Sukarela goes dormant after 12 months; a year and more later:
    assert periodic.dormancy_mark(cooperative=coop, business_date=dt.date(2027, 11, 30),
                                  acting_user=None) == {"dormant": 2}
    assert SavingsAccount.objects.get(pk=account_of(siti, "sukarela").pk).status == "dormant"
    # A deposit makes it active again.
    _deposit(coop, city.teller_a, account_of(budi, "sukarela"), 10_000 * RUPIAH)
    assert SavingsAccount.objects.get(pk=account_of(budi, "sukarela").pk).status == "open"


def test_a_maturing_time_deposit_rolls_over_or_moves_to_sukarela(city, siti):
    coop = city.coop_a
    product = SavingsProduct.objects.get(cooperative=coop, kind="berjangka")
    rolling = savings_account_open(cooperative=coop, member=siti.member, product=product,
                                   acting_user=city.teller_a, term_months=3, rollover=True)
    ending = savings_account_open(cooperative=coop, member=siti.member, product=product,
                                  acting_user=city.teller_a, term_months=3)
    for account in (rolling, ending):
        _deposit(coop, city.teller_a, account, 1_000_000 * RUPIAH)
    SavingsAccount.objects.filter(pk__in=[rolling.pk, ending.pk]).update(
        maturity_date=coop.business_date)
    result = periodic.maturities_process(cooperative=coop, business_date=coop.business_date,
                                         acting_user=None)
    assert result == {"rolled_over": 1, "paid_out": 1}
    rolling.refresh_from_db()
    ending.refresh_from_db()
    assert rolling.maturity_date == dt.date(2027, 2, 20)
    assert (ending.status, account_balance(ending)) == ("closed", 0)
    assert account_balance(account_of(siti, "sukarela")) == 1_000_000 * RUPIAH


def test_mudharabah_savers_share_the_months_income_by_nisbah(city):
    coop = city.coop_b
    saver = admit(coop, city.teller_b)
    product = SavingsProduct.objects.get(cooperative=coop, kind="mudharabah")
    account = savings_account_open(cooperative=coop, member=saver.member, product=product,
                                   acting_user=city.teller_b)
    _deposit(coop, city.teller_b, account, 850_000 * RUPIAH)
    # The month's margin income: Rp1.000.000.
    journal_entry_post(cooperative=coop, lines=[LineSpec("1101", debit=1_000_000 * RUPIAH),
                                                LineSpec("4101", credit=1_000_000 * RUPIAH)],
                       description="Margin murabahah", acting_user=None)
    result = periodic.profit_share_post(cooperative=coop, business_date=coop.business_date,
                                        acting_user=None)
    # Funds on the day: pokok 100.000 + wajib 50.000 + mudharabah 850.000 = Rp1.000.000, all
    # one day; the saver's part 85% of Rp1.000.000 income × nisbah 30% = Rp255.000.
    assert result["income"] == 1_000_000 * RUPIAH
    assert result["mudharabah"]["shared"] == 255_000 * RUPIAH
    # Rp255.000 is above Rp240.000: 10% withheld.
    assert account_balance(account) == 850_000 * RUPIAH + 255_000 * RUPIAH - 25_500 * RUPIAH
    assert verify_cooperative(coop).ok
