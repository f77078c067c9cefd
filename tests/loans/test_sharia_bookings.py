"""Sharia bookings registered in BOOKINGS and the profit-sharing reports, entry by entry
(cooperative B is a KSPPS; business date 20 November 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.ledger.verify import verify_cooperative
from lumbung.loans.accounting import RepaymentSplit, booking_for
from lumbung.loans.models import Instalment
from lumbung.loans.models_quality import ProfitReport
from lumbung.loans.sharia import profit_report_record, profit_terms_set
from tests.loans.financing_helpers import cash_code, make_loan, move_to

RP = 100


def _purposes(lines, cooperative):
    from lumbung.ledger.models import Account

    names = dict(Account.objects.filter(cooperative=cooperative).values_list("code", "purpose"))
    return [(names[getattr(x.account, "code", x.account)], x.debit, x.credit) for x in lines]


def test_murabahah_books_the_selling_price_and_recognises_margin_by_collections(city):
    coop = city.coop_b
    # Cost Rp10.000.000, margin 15 % a year flat over 12 months = Rp1.500.000.
    loan = make_loan(coop, principal=10_000_000 * RP, rate="15")
    disbursement = JournalEntry.objects.get(cooperative=coop, source="loans.disbursement")
    assert _purposes(disbursement.lines.select_related("account"), coop) == [
        ("financing_murabahah", 10_000_000 * RP, 0),
        ("financing_murabahah", 1_500_000 * RP, 0),
        ("deferred_murabahah_margin", 0, 1_500_000 * RP),
        ("cash", 0, 10_000_000 * RP),
    ]
    # First instalment Rp958.333 (Rp833.333 cost + Rp125.000 margin) with Rp10.000 ta'zir.
    split = RepaymentSplit(principal=833_333 * RP, interest=125_000 * RP, penalty=10_000 * RP)
    lines = booking_for(loan).repayment_lines(
        loan, split, [LineSpec(cash_code(coop), debit=968_333 * RP)])
    assert _purposes(lines, coop) == [
        ("cash", 968_333 * RP, 0),
        ("financing_murabahah", 0, 833_333 * RP),
        ("financing_murabahah", 0, 125_000 * RP),
        ("benevolence_fund", 0, 10_000 * RP),   # ta'zir: never income
        # 1.500.000 × 958.333 / 11.500.000 = Rp124.999,96 of margin becomes income.
        ("deferred_murabahah_margin", 12_499_996, 0),
        ("income_murabahah_margin", 0, 12_499_996),
    ]
    assert all(line.member_id == loan.member_id for line in lines[1:])
    journal_entry_post(cooperative=coop, lines=lines, description="angsuran 1",
                       acting_user=None)
    assert verify_cooperative(coop).ok


@pytest.mark.parametrize(
    ("product", "control", "income"),
    [("ijarah", "financing_ijarah", "income_ijarah"),
     ("mudharabah", "financing_mudharabah", "income_mudharabah"),
     ("musyarakah", "financing_musyarakah", "income_musyarakah"),
     ("qardh", "financing_qardh", "income_qardh_fee")],
)
def test_the_other_contracts_book_to_their_own_accounts(city, product, control, income):
    coop = city.coop_b
    rate = "0" if product == "qardh" else "12"
    loan = make_loan(coop, principal=6_000_000 * RP, rate=rate, product=product, months=6)
    loan.admin_fee = 10_000 * RP
    lines = booking_for(loan).disbursement_lines(
        loan, [LineSpec(cash_code(coop), credit=5_990_000 * RP)])
    fee_income = "income_qardh_fee" if product == "qardh" else "income_financing_admin"
    assert _purposes(lines, coop) == [(control, 6_000_000 * RP, 0),
                                      (fee_income, 0, 10_000 * RP),
                                      ("cash", 0, 5_990_000 * RP)]
    row = Instalment.objects.get(loan=loan, n=1)
    split = RepaymentSplit(principal=row.principal, interest=row.interest, penalty=5_000 * RP)
    lines = booking_for(loan).repayment_lines(
        loan, split, [LineSpec(cash_code(coop), debit=split.fresh_money)])
    expected = [("cash", split.fresh_money, 0), (control, 0, 1_000_000 * RP)]
    if product != "qardh":  # qardh returns the principal only
        expected.append((income, 0, 60_000 * RP))
    expected.append(("benevolence_fund", 0, 5_000 * RP))
    assert _purposes(lines, coop) == expected
    # A sharia contract's return is never called interest; its late charge is ta'zir.
    memos = [line.memo for line in lines[1:]]
    assert memos == ["pokok"] + ([] if product == "qardh" else [RETURN_MEMO[product]]) + [
        "ta'zir (dana kebajikan)"]


RETURN_MEMO = {"ijarah": "ujrah", "mudharabah": "bagi hasil", "musyarakah": "bagi hasil"}


@pytest.fixture
def mudharabah(city):
    """Rp20.000.000 mudharabah from 20 Oct 2026, 12 months; expected share Rp300.000 a month."""
    loan = make_loan(city.coop_b, principal=20_000_000 * RP, rate="18", product="mudharabah",
                     start=dt.date(2026, 10, 20))
    return loan


def test_a_profit_report_sets_the_profit_share_due_by_nisbah(city, mudharabah):
    coop = city.coop_b
    with pytest.raises(LumbungError) as refused:
        profit_report_record(cooperative=coop, loan=mudharabah, period_end=dt.date(2026, 11, 20),
                             revenue=0, realised_profit=1, acting_user=city.teller_b)
    assert refused.value.code == "LOAN_PROFIT_TERMS_MISSING"
    profit_terms_set(cooperative=coop, loan=mudharabah, nisbah=Decimal("0.35"),
                     acting_user=city.teller_b)
    report = profit_report_record(
        cooperative=coop, loan=mudharabah, period_end=dt.date(2026, 11, 20),
        revenue=15_000_000 * RP, realised_profit=4_000_000 * RP, acting_user=city.teller_b)
    assert (report.cooperative_share, report.loss_borne, report.entry) == (
        1_400_000 * RP, 0, None)
    assert Instalment.objects.get(loan=mudharabah, n=1).interest == 1_400_000 * RP
    with pytest.raises(LumbungError) as refused:
        profit_report_record(cooperative=coop, loan=mudharabah,
                             period_end=dt.date(2026, 11, 20), revenue=0, realised_profit=1,
                             acting_user=city.teller_b)
    assert refused.value.code == "LOAN_PROFIT_REPORT_TAKEN"
    assert ProfitReport.objects.count() == 1


def test_a_loss_is_borne_by_the_capital_provider_and_reduces_the_financing(city, mudharabah):
    coop = city.coop_b
    profit_terms_set(cooperative=coop, loan=mudharabah, nisbah=Decimal("0.35"),
                     acting_user=city.teller_b)
    move_to(coop, dt.date(2026, 12, 20))
    report = profit_report_record(
        cooperative=coop, loan=mudharabah, period_end=dt.date(2026, 11, 30),
        revenue=5_000_000 * RP, realised_profit=-2_000_000 * RP, acting_user=city.teller_b)
    assert report.loss_borne == 2_000_000 * RP
    assert _purposes(report.entry.lines.select_related("account"), coop) == [
        ("expense_financing_loss", 2_000_000 * RP, 0),
        ("financing_mudharabah", 0, 2_000_000 * RP)]
    rows = {r.n: r for r in Instalment.objects.filter(loan=mudharabah)}
    # Instalments of Rp1.666.667 (the last Rp1.666.663): the loss clears the last one and
    # Rp333.337 of the 11th; the period's instalment (20 Dec) carries no profit share.
    assert rows[12].principal == 0
    assert rows[11].principal == 1_333_330 * RP
    assert rows[2].interest == 0
    assert sum(r.principal for r in rows.values()) == 18_000_000 * RP
    assert verify_cooperative(coop).ok
