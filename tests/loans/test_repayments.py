"""Disbursement net of fees to cash or savings, repayments (counter, savings, partial, credit,
early payoff), the member-exit settlement; amounts worked by hand.

The loan: Rp10.000.000, pinjaman-umum (flat 18% a year), 10 months, disbursed 20 November 2026:
fees provisi 1% Rp100.000 + administrasi Rp25.000 + premi 0,5% Rp50.000, net Rp9.825.000;
each month Rp1.000.000 principal + Rp150.000 interest, due on the 20th from December.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry, JournalLine
from lumbung.loans.models import Instalment, Loan, LoanRepayment
from lumbung.loans.selectors import loan_balance
from lumbung.loans.services import (
    loan_credit_apply,
    loan_disburse,
    loan_repay,
    payoff_amount,
)
from lumbung.savings.exit import member_exit
from lumbung.savings.services import savings_available, savings_deposit
from tests.conftest import City
from tests.loans.conftest import RUPIAH, approved_loan, disbursed_loan, move_to, vault
from tests.savings.conftest import account_of

JT = 1_000_000 * RUPIAH  # one juta


def _lines(entry: JournalEntry) -> list[tuple[str, int, int]]:
    return [(x.account.purpose, x.debit, x.credit)
            for x in entry.lines.select_related("account").order_by("line_no")]


def _repay(city: City, loan: Loan, amount: int, **kwargs) -> LoanRepayment:
    return loan_repay(cooperative=city.coop_a, loan=loan, amount=amount,
                      acting_user=city.teller_a, **kwargs)


def test_it_disburses_to_cash_net_of_fees(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)
    assert _lines(loan.disbursement_entry) == [
        ("loans_members", 10 * JT, 0),
        ("income_loan_provision", 0, 100_000 * RUPIAH),
        ("income_loan_admin", 0, 25_000 * RUPIAH),
        ("loan_insurance_payable", 0, 50_000 * RUPIAH),
        ("cash", 0, 9_825_000 * RUPIAH),
    ]
    assert set(loan.disbursement_entry.lines.values_list("member_id", flat=True)) == {siti.pk}
    assert (loan.status, loan.disbursed_on, loan.maturity_date) == (
        "active", dt.date(2026, 11, 20), dt.date(2027, 9, 20))
    rows = list(loan.instalments.order_by("n"))
    assert [(r.due_date, r.principal, r.interest) for r in rows[:2]] == [
        (dt.date(2026, 12, 20), JT, 150_000 * RUPIAH), (dt.date(2027, 1, 20), JT, 150_000 * RUPIAH)]
    assert loan_balance(loan) == (10 * JT, 0)
    with pytest.raises(LumbungError) as refused:
        loan_disburse(cooperative=funded.coop_a, loan=loan, acting_user=funded.teller_a)
    assert refused.value.code == "LOAN_NOT_DISBURSABLE"
    assert Instalment.objects.count() == 10


def test_it_disburses_into_savings_and_sets_the_standing_instruction(
    funded: City, siti_admission
) -> None:
    sukarela = account_of(siti_admission, "sukarela")
    loan = approved_loan(funded, siti_admission.member)
    loan = loan_disburse(cooperative=funded.coop_a, loan=loan, savings_account=sukarela,
                         acting_user=funded.teller_a, idempotency_key="t:cair")
    assert savings_available(sukarela) == 9_825_000 * RUPIAH - 20_000 * RUPIAH  # minimum balance
    assert loan.autodebit_savings_id == sukarela.pk
    again = loan_disburse(cooperative=funded.coop_a, loan=loan, savings_account=sukarela,
                          acting_user=funded.teller_a, idempotency_key="t:cair")
    assert again.disbursement_entry_id == loan.disbursement_entry_id
    assert JournalEntry.objects.filter(source="loans").count() == 1


def test_a_full_instalment_at_the_counter(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)
    repayment = _repay(funded, loan, 1_150_000 * RUPIAH, idempotency_key="t:1")
    assert (repayment.principal, repayment.interest, repayment.penalty, repayment.credit) == (
        JT, 150_000 * RUPIAH, 0, 0)
    assert _lines(repayment.entry) == [("cash", 1_150_000 * RUPIAH, 0),
                                       ("loans_members", 0, JT),
                                       ("income_loan_interest", 0, 150_000 * RUPIAH)]
    assert set(repayment.entry.lines.values_list("member_id", flat=True)) == {siti.pk}
    assert loan_balance(loan) == (9 * JT, 0)
    assert Instalment.objects.get(loan=loan, n=1).paid_on == dt.date(2026, 11, 20)
    # A retry with the same key returns the first repayment.
    assert _repay(funded, loan, 1_150_000 * RUPIAH, idempotency_key="t:1").pk == repayment.pk
    assert LoanRepayment.objects.count() == 1


def test_partial_payments_interest_first_and_the_excess_kept_as_credit(
    funded: City, siti
) -> None:
    loan = disbursed_loan(funded, siti)
    first = _repay(funded, loan, 100_000 * RUPIAH)
    assert (first.interest, first.principal) == (100_000 * RUPIAH, 0)
    second = _repay(funded, loan, 1_100_000 * RUPIAH)
    # Instalment 1 needed Rp1.050.000 more; Rp50.000 is kept for the next one.
    assert (second.interest, second.principal, second.credit) == (
        50_000 * RUPIAH, JT, 50_000 * RUPIAH)
    assert ("loan_credit", 0, 50_000 * RUPIAH) in _lines(second.entry)
    assert loan_balance(loan) == (9 * JT, 50_000 * RUPIAH)
    # On the next due date the credit settles part of instalment 2.
    move_to(funded, dt.date(2027, 1, 20))
    used = loan_credit_apply(cooperative=funded.coop_a, loan=loan, acting_user=None,
                             idempotency_key="t:credit:2")
    assert used is not None
    assert (used.amount, used.interest, used.credit) == (0, 50_000 * RUPIAH, -50_000 * RUPIAH)
    assert loan_balance(loan) == (9 * JT, 0)
    assert loan_credit_apply(cooperative=funded.coop_a, loan=loan, acting_user=None,
                             idempotency_key="t:credit:3") is None


def test_penalty_is_settled_before_interest_and_principal(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)
    move_to(funded, dt.date(2026, 12, 30))
    Instalment.objects.filter(loan=loan, n=1).update(penalty=11_500 * RUPIAH)  # 10 days × 0,1%
    repayment = _repay(funded, loan, 1_161_500 * RUPIAH)
    assert (repayment.penalty, repayment.interest, repayment.principal) == (
        11_500 * RUPIAH, 150_000 * RUPIAH, JT)
    assert ("income_loan_penalty", 0, 11_500 * RUPIAH) in _lines(repayment.entry)


def test_early_payoff_follows_the_products_rule(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)
    _repay(funded, loan, 1_150_000 * RUPIAH)
    # pinjaman-umum charges the running month's interest: Rp9.000.000 + Rp150.000.
    assert payoff_amount(loan) == 9_150_000 * RUPIAH
    with pytest.raises(LumbungError) as refused:
        _repay(funded, loan, 9 * JT, early_payoff=True)
    assert refused.value.code == "LOAN_PAYOFF_AMOUNT"
    payoff = _repay(funded, loan, 9_150_000 * RUPIAH, early_payoff=True)
    assert (payoff.principal, payoff.interest) == (9 * JT, 150_000 * RUPIAH)
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == ("paid_off", dt.date(2026, 11, 20))
    assert loan_balance(loan) == (0, 0)
    assert sum(Instalment.objects.filter(loan=loan).values_list("interest_waived", flat=True)) == (
        8 * 150_000 * RUPIAH)
    with pytest.raises(LumbungError) as refused:
        _repay(funded, loan, 1 * RUPIAH)
    assert refused.value.code == "LOAN_NOT_ACTIVE"


def test_repayment_from_savings_and_a_short_balance(funded: City, siti_admission) -> None:
    member = siti_admission.member
    sukarela = account_of(siti_admission, "sukarela")
    loan = disbursed_loan(funded, member)
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as refused:
        _repay(funded, loan, 1_150_000 * RUPIAH, channel="savings", savings_account=sukarela)
    assert refused.value.code == "LOAN_SAVINGS_SHORT"
    assert JournalEntry.objects.count() == entries and not LoanRepayment.objects.exists()
    savings_deposit(cooperative=funded.coop_a, account=sukarela, amount=2 * JT,
                    counterpart=vault(funded.coop_a), acting_user=funded.teller_a,
                    idempotency_key="t:setor")
    repayment = _repay(funded, loan, 1_150_000 * RUPIAH, channel="autodebit",
                       savings_account=sukarela)
    assert _lines(repayment.entry)[0] == ("savings_voluntary", 1_150_000 * RUPIAH, 0)
    assert savings_available(sukarela) == 850_000 * RUPIAH - 20_000 * RUPIAH


def test_the_last_payment_must_be_exact(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti, amount_rupiah=3_000_000, months=3)
    move_to(funded, dt.date(2027, 2, 20))
    with pytest.raises(LumbungError) as refused:
        _repay(funded, loan, 3_200_000 * RUPIAH)
    assert refused.value.code == "LOAN_PAYOFF_AMOUNT"
    _repay(funded, loan, 3_135_000 * RUPIAH)  # 3 × (Rp1.000.000 + Rp45.000)
    loan.refresh_from_db()
    assert loan.status == "paid_off" and loan_balance(loan) == (0, 0)


def test_a_leaving_member_settles_the_loan_from_savings(funded: City, siti_admission) -> None:
    member = siti_admission.member
    sukarela = account_of(siti_admission, "sukarela")
    loan = approved_loan(funded, member)
    loan_disburse(cooperative=funded.coop_a, loan=loan, savings_account=sukarela,
                  acting_user=funded.teller_a)
    savings_deposit(cooperative=funded.coop_a, account=sukarela, amount=JT,
                    counterpart=vault(funded.coop_a), acting_user=funded.teller_a,
                    idempotency_key="t:setor")
    settlement = member_exit(cooperative=funded.coop_a, member=member,
                             counterpart=vault(funded.coop_a), acting_user=funded.manager_a,
                             idempotency_key="t:keluar")
    # Payoff Rp10.150.000 (principal and this month's interest) out of Rp10.975.000 savings.
    assert [o.amount for o in settlement.obligations] == [10_150_000 * RUPIAH]
    assert settlement.paid_out == 825_000 * RUPIAH
    loan.refresh_from_db()
    assert loan.status == "paid_off" and loan_balance(loan) == (0, 0)
    assert LoanRepayment.objects.get(loan=loan).channel == "exit"
    interest_lines = JournalLine.objects.filter(entry=settlement.entry,
                                                account__purpose="income_loan_interest")
    assert [(x.credit, x.member_id) for x in interest_lines] == [(150_000 * RUPIAH, member.pk)]


def test_a_loan_from_the_old_books_keeps_its_schedule_and_ages(funded: City, siti) -> None:
    from lumbung.loans.selectors import portfolio_rows
    from lumbung.loans.services import loan_opening_balance
    from tests.loans.conftest import product

    loan = loan_opening_balance(
        cooperative=funded.coop_a, member=siti, product=product(funded.coop_a),
        principal=12 * JT, term_months=12, disbursed_on=dt.date(2026, 5, 10),
        instalments_paid=4, acting_user=funded.accountant_a)
    # Six instalments fell due (10 June .. 10 November), four were paid: Rp8.000.000 left.
    assert loan_balance(loan) == (8 * JT, 0)
    assert _lines(loan.disbursement_entry) == [("loans_members", 8 * JT, 0), ("bank", 0, 8 * JT)]
    [row] = portfolio_rows(cooperative=funded.coop_a, day=funded.coop_a.business_date)
    # Oldest unpaid: 10 October, 41 days before 20 November; two instalments in arrears.
    assert (row.days_past_due, row.arrears) == (41, 2 * 1_180_000 * RUPIAH)
    with pytest.raises(LumbungError) as refused:
        loan_opening_balance(
            cooperative=funded.coop_a, member=siti, product=product(funded.coop_a),
            principal=JT, term_months=3, disbursed_on=dt.date(2026, 5, 10),
            instalments_paid=3, acting_user=funded.accountant_a)
    assert refused.value.code == "LOAN_TERM_RANGE"


def test_the_standing_instruction_debits_savings_on_the_due_date(
    funded: City, siti_admission
) -> None:
    from lumbung.loans.services import loan_autodebit

    sukarela = account_of(siti_admission, "sukarela")
    savings_deposit(cooperative=funded.coop_a, account=sukarela, amount=520_000 * RUPIAH,
                    counterpart=vault(funded.coop_a), acting_user=funded.teller_a,
                    idempotency_key="t:setor")
    loan = approved_loan(funded, siti_admission.member)
    loan = loan_disburse(cooperative=funded.coop_a, loan=loan, autodebit_account=sukarela,
                         acting_user=funded.teller_a)
    assert loan_autodebit(cooperative=funded.coop_a, loan=loan, acting_user=None) is None
    move_to(funded, dt.date(2026, 12, 20))
    # Rp520.000 less the Rp20.000 minimum balance: interest Rp150.000, principal Rp350.000.
    first = loan_autodebit(cooperative=funded.coop_a, loan=loan, acting_user=None)
    assert (first.channel, first.amount, first.interest, first.principal) == (
        "autodebit", 500_000 * RUPIAH, 150_000 * RUPIAH, 350_000 * RUPIAH)
    assert loan_autodebit(cooperative=funded.coop_a, loan=loan, acting_user=None).pk == first.pk
    assert savings_available(sukarela) == 0
    assert LoanRepayment.objects.count() == 1
