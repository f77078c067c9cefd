"""The loans nightly steps: penalties, ageing, provisioning, month-end accrual, with hand-worked
figures (business date 20 November 2026, default policy, product pinjaman-umum: 0.1 % per day,
capped at 10 % of the instalment)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.batch.models import StepRun
from lumbung.batch.services import eod_run_day
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.verify import verify_cooperative
from lumbung.loans import portfolio
from lumbung.loans.models import Instalment
from lumbung.loans.models_quality import LoanQuality, PortfolioSnapshot
from lumbung.loans.selectors import portfolio_quality
from tests.conftest import BUSINESS_DATE
from tests.loans.financing_helpers import make_loan, move_to, pay_instalment

RP = 100


@pytest.fixture
def book(city):
    """Three loans of cooperative A on 20 Nov 2026:
    - late: Rp12.000.000 / 12 months from 20 Jun 2026, two instalments paid → 61 days late;
    - fresh: Rp5.000.000 / 12 months from 1 Nov 2026 → nothing due yet (a pengurus's loan);
    - bad: Rp6.000.000 / 12 months from 20 Nov 2025, nothing paid → 335 days late.
    Flat 12 %: late pays Rp1.000.000 + Rp120.000 a month, bad Rp500.000 + Rp60.000."""
    coop = city.coop_a
    late = make_loan(coop, principal=12_000_000 * RP, start=dt.date(2026, 6, 20))
    move_to(coop, dt.date(2026, 8, 20))
    pay_instalment(late, 1)
    pay_instalment(late, 2)
    move_to(coop, BUSINESS_DATE)
    fresh = make_loan(coop, principal=5_000_000 * RP, start=dt.date(2026, 11, 1),
                      related_party=True, acting_user=city.manager_a)
    bad = make_loan(coop, principal=6_000_000 * RP, start=dt.date(2025, 11, 20))
    return {"late": late, "fresh": fresh, "bad": bad}


def test_it_charges_penalties_by_the_product_rule(city, book):
    result = portfolio.penalties_charge(cooperative=city.coop_a, as_of=BUSINESS_DATE)
    late = {i.n: i.penalty for i in Instalment.objects.filter(loan=book["late"])}
    # Rp1.120.000 overdue: instalment 3 (20 Sep) 61 days × 0.1 % = Rp68.320; 4 (20 Oct) 31 days
    # = Rp34.720; 5 falls due today, not late yet.
    assert late[3] == 68_320 * RP
    assert late[4] == 34_720 * RP
    assert late[5] == 0
    bad = {i.n: i.penalty for i in Instalment.objects.filter(loan=book["bad"])}
    # Rp560.000 overdue: capped at 10 % (Rp56.000) from 100 days; 92 days = Rp51.520.
    assert [bad[n] for n in range(1, 12)] == [56_000 * RP] * 8 + [51_520 * RP, 34_160 * RP,
                                                                  17_360 * RP]
    assert result == {"instalments": 13, "penalty_added": (68_320 + 34_720 + 551_040) * RP}
    # Same day again: nothing more; penalties never decrease after a part-payment.
    assert portfolio.penalties_charge(cooperative=city.coop_a, as_of=BUSINESS_DATE) == {
        "instalments": 0, "penalty_added": 0}
    Instalment.objects.filter(loan=book["late"], n=3).update(principal_paid=1_000_000 * RP)
    portfolio.penalties_charge(cooperative=city.coop_a, as_of=BUSINESS_DATE)
    assert Instalment.objects.get(loan=book["late"], n=3).penalty == 68_320 * RP


def test_it_ages_loans_and_provisions_with_one_entry(city, book):
    coop = city.coop_a
    assert portfolio.loans_age(cooperative=coop, as_of=BUSINESS_DATE) == {"loans": 3, "late": 2}
    quality = {q.loan_id: q for q in LoanQuality.objects.all()}
    late, fresh, bad = (quality[book[k].pk] for k in ("late", "fresh", "bad"))
    assert (late.days_past_due, late.loan_class, late.outstanding, late.provision) == (
        61, "kurang_lancar", 10_000_000 * RP, 1_000_000 * RP)
    assert (fresh.days_past_due, fresh.loan_class, fresh.provision) == (0, "lancar", 25_000 * RP)
    assert (bad.days_past_due, bad.loan_class, bad.provision) == (335, "macet", 6_000_000 * RP)

    result = portfolio.provision_adjust(cooperative=coop, as_of=BUSINESS_DATE, acting_user=None)
    assert result["required"] == result["adjustment"] == 7_025_000 * RP
    entry = JournalEntry.objects.get(cooperative=coop, number=result["entry"])
    lines = [(x.account.purpose, x.debit, x.credit) for x in entry.lines.select_related("account")]
    assert lines == [("expense_loan_loss", 7_025_000 * RP, 0),
                     ("loan_loss_allowance", 0, 7_025_000 * RP)]
    assert portfolio.allowance_balance(coop) == 7_025_000 * RP
    # Again the same day: nothing to adjust, no second entry.
    again = portfolio.provision_adjust(cooperative=coop, as_of=BUSINESS_DATE, acting_user=None)
    assert again == {"required": 7_025_000 * RP, "adjustment": 0, "entry": None}
    # The late loan catches up: the next night releases its kurang lancar provision.
    pay_instalment(book["late"], 3)
    pay_instalment(book["late"], 4)
    move_to(coop, BUSINESS_DATE + dt.timedelta(days=1))
    portfolio.loans_age(cooperative=coop, as_of=coop.business_date)
    # Instalment 5 (due 20 Nov) is 1 day late: lancar, 0.5 % of Rp8.000.000 = Rp40.000.
    released = portfolio.provision_adjust(cooperative=coop, as_of=coop.business_date,
                                          acting_user=None)
    assert released["adjustment"] == (40_000 + 25_000 + 6_000_000 - 7_025_000) * RP
    entry = JournalEntry.objects.get(cooperative=coop, number=released["entry"])
    assert [(x.account.purpose, x.debit, x.credit) for x in entry.lines.all()] == [
        ("loan_loss_allowance", 960_000 * RP, 0), ("expense_loan_loss", 0, 960_000 * RP)]
    assert verify_cooperative(coop).ok


def test_portfolio_quality_is_public_and_reads_any_past_night(city, book):
    coop = city.coop_a
    portfolio.loans_age(cooperative=coop, as_of=BUSINESS_DATE)
    live = portfolio_quality(cooperative=coop, as_of=BUSINESS_DATE)
    assert live["outstanding"] == 21_000_000 * RP
    assert live["by_class"] == {"lancar": 5_000_000 * RP, "kurang_lancar": 10_000_000 * RP,
                                "diragukan": 0, "macet": 6_000_000 * RP}
    assert live["npl"] == 16_000_000 * RP
    assert live["npl_ratio"] == Decimal(16) / 21
    assert live["insider_loans"] == 5_000_000 * RP
    assert (live["par30"], live["par60"], live["par90"]) == (
        16_000_000 * RP, 16_000_000 * RP, 6_000_000 * RP)
    portfolio.provision_adjust(cooperative=coop, as_of=BUSINESS_DATE, acting_user=None)
    assert PortfolioSnapshot.objects.get(cooperative=coop).npl == 16_000_000 * RP
    # A later day without a night of its own reads the last one; an earlier day reads nothing.
    later = portfolio_quality(cooperative=coop, as_of=BUSINESS_DATE + dt.timedelta(days=10))
    assert later["as_of"] == BUSINESS_DATE
    assert later["npl"] == 16_000_000 * RP
    assert later["insider_loans"] == 5_000_000 * RP
    assert portfolio_quality(cooperative=city.coop_b, as_of=BUSINESS_DATE)["outstanding"] == 0


def test_month_end_accrues_interest_of_performing_loans_and_reverses_it(city, book):
    coop = city.coop_a
    month_end = dt.date(2026, 11, 30)
    move_to(coop, month_end)
    portfolio.loans_age(cooperative=coop, as_of=month_end)
    result = portfolio.interest_accrue(cooperative=coop, as_of=month_end, acting_user=None)
    # Only "fresh" performs: Rp50.000 a month, 29 of the 30 days from 1 Nov to 1 Dec elapsed
    # → Rp48.333,33 (rounded down to the sen); late (kurang lancar) and bad (macet) accrue nothing.
    assert result["accrued"] == 4_833_333
    move_to(coop, month_end + dt.timedelta(days=1))
    reversed_ = portfolio.accrual_reverse(cooperative=coop, as_of=coop.business_date,
                                          acting_user=None)
    assert reversed_["reversed"] == 4_833_333
    assert portfolio.accrual_reverse(cooperative=coop, as_of=coop.business_date,
                                     acting_user=None) == {"reversed": 0}
    assert verify_cooperative(coop).ok


def test_the_nightly_run_does_it_all_once(city, book):
    coop = city.coop_a
    result = eod_run_day(cooperative=coop, business_date=BUSINESS_DATE, acting_user=None)
    assert result.results["loans.ageing"] == {"loans": 3, "late": 2}
    assert result.results["loans.provisioning"]["adjustment"] == 7_025_000 * RP
    steps = set(StepRun.objects.filter(cooperative=coop).values_list("step", flat=True))
    assert {"loans.penalties", "loans.ageing", "loans.provisioning"} <= steps
    assert "loans.accrual" not in steps  # monthly


def _queries(coop, as_of):
    with CaptureQueriesContext(connection) as captured:
        portfolio.penalties_charge(cooperative=coop, as_of=as_of)
        portfolio.loans_age(cooperative=coop, as_of=as_of)
        portfolio.provision_adjust(cooperative=coop, as_of=as_of, acting_user=None)
    return len(captured)


def test_the_steps_read_the_portfolio_in_a_fixed_number_of_queries(city, book):
    coop = city.coop_a
    few = _queries(coop, BUSINESS_DATE)
    for _ in range(5):
        make_loan(coop, principal=1_000_000 * RP, start=dt.date(2026, 1, 5))
    move_to(coop, BUSINESS_DATE + dt.timedelta(days=1))
    more = _queries(coop, coop.business_date)
    assert more <= few <= 20
