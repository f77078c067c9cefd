"""On PostgreSQL: tellers repaying one loan at once, and a repayment racing the nightly ageing,
leave one consistent state (the ledger, the schedule and the ageing agree)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lumbung.ledger.verify import verify_cooperative
from lumbung.loans.collection import collect_due
from lumbung.loans.models import Instalment, Loan, LoanRepayment
from lumbung.loans.models_quality import LoanQuality
from lumbung.loans.portfolio import loans_age
from lumbung.loans.selectors import loan_balance
from lumbung.loans.services import loan_repay
from lumbung.savings.services import savings_available, savings_deposit
from lumbung.tenancy.models import Cooperative, CooperativeRole
from tests.conftest import _staff, build_city
from tests.ledger.helpers import postgres_only, skip_unless_postgres
from tests.ledger.test_concurrency import _run_in_threads
from tests.loans.conftest import RUPIAH, admit, disbursed_loan, fund
from tests.savings.conftest import account_of, vault

TELLERS = 4
INSTALMENT = 1_150_000 * RUPIAH


def _unpaid_principal(loan: Loan) -> int:
    return sum(row.principal_due for row in Instalment.objects.filter(loan=loan))


@postgres_only
def test_tellers_repaying_one_loan_at_once_settle_instalments_in_turn(committed_db):
    skip_unless_postgres()
    city = build_city()
    fund(city.coop_a)
    loan = disbursed_loan(city, admit(city.coop_a, city.teller_a).member)
    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=dt.date(2027, 3, 20))
    coop = Cooperative.objects.get(pk=city.coop_a.pk)
    tellers = [city.teller_a] + [_staff(coop, f"teller-a{n}", CooperativeRole.TELLER)
                                 for n in range(2, TELLERS + 1)]

    def work(index: int) -> None:
        loan_repay(cooperative=coop, loan=loan, amount=INSTALMENT, acting_user=tellers[index],
                   idempotency_key=f"race:{index}")

    assert _run_in_threads(TELLERS, work) == []
    # Four instalments were due (20 Dec .. 20 Mar); each payment settled the oldest one left.
    assert LoanRepayment.objects.filter(loan=loan).count() == TELLERS
    assert loan_balance(loan) == (10_000_000 * RUPIAH - TELLERS * 1_000_000 * RUPIAH, 0)
    assert _unpaid_principal(loan) == loan_balance(loan)[0]
    assert Instalment.objects.filter(loan=loan, paid_on__isnull=False).count() == TELLERS
    assert verify_cooperative(coop).ok


@postgres_only
def test_a_repayment_racing_the_nightly_ageing_leaves_one_consistent_state(committed_db):
    skip_unless_postgres()
    city = build_city()
    fund(city.coop_a)
    loans = [disbursed_loan(city, admit(city.coop_a, city.teller_a, name=f"A{n}").member)
             for n in range(3)]
    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=dt.date(2027, 1, 25))
    coop = Cooperative.objects.get(pk=city.coop_a.pk)
    day = coop.business_date

    def work(index: int) -> None:
        if index == 0:
            loans_age(cooperative=coop, as_of=day)
        else:
            loan_repay(cooperative=coop, loan=loans[index - 1], amount=2 * INSTALMENT,
                       acting_user=city.teller_a, idempotency_key=f"race:{index}")

    assert _run_in_threads(3, work) == []
    before, after = (10 * 1_000_000 * RUPIAH, 36), (8 * 1_000_000 * RUPIAH, 0)
    # The racing ageing saw each loan either before or after its repayment, never half of it.
    for loan in loans[:2]:
        quality = LoanQuality.objects.get(loan=loan)
        assert (quality.outstanding, quality.days_past_due) in (before, after)
    loans_age(cooperative=coop, as_of=day)
    for n, loan in enumerate(loans):
        outstanding = loan_balance(loan)[0]
        assert outstanding == _unpaid_principal(loan)
        quality = LoanQuality.objects.get(loan=loan)
        assert (quality.outstanding, quality.days_past_due) == (after if n < 2 else before)
        assert outstanding == quality.outstanding
    assert verify_cooperative(coop).ok


@postgres_only
def test_counter_repayments_racing_the_nightly_auto_debit_never_collect_twice(committed_db):
    skip_unless_postgres()
    city = build_city()
    fund(city.coop_a)
    pairs = []
    for n in range(3):
        admission = admit(city.coop_a, city.teller_a, name=f"B{n}")
        account = account_of(admission, "sukarela")
        loan = disbursed_loan(city, admission.member)  # Rp1.150.000 due on 20 Dec
        # Enough above the account's minimum balance for the night to take a whole instalment.
        savings_deposit(cooperative=city.coop_a, account=account,
                        amount=INSTALMENT + account.product.minimum_balance,
                        counterpart=vault(city.coop_a), acting_user=city.teller_a,
                        idempotency_key=f"race:deposit:{n}")
        Loan.objects.filter(pk=loan.pk).update(autodebit_savings_id=account.pk)
        pairs.append((loan, account))
    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=dt.date(2026, 12, 20))
    coop = Cooperative.objects.get(pk=city.coop_a.pk)
    before = {account.pk: savings_available(account) for _loan, account in pairs}

    def work(index: int) -> None:
        if index == 0:
            with transaction.atomic(durable=True):
                collect_due(cooperative=coop, as_of=coop.business_date, acting_user=None)
        else:
            loan_repay(cooperative=coop, loan=pairs[index - 1][0], amount=INSTALMENT,
                       acting_user=city.teller_a, idempotency_key=f"race:counter:{index}")

    assert _run_in_threads(4, work) == []
    for loan, account in pairs:
        debits = LoanRepayment.objects.filter(loan=loan, channel="autodebit")
        taken = before[account.pk] - savings_available(account)
        paid = Instalment.objects.filter(loan=loan, paid_on__isnull=False).count()
        if debits.exists():  # the night came first: the counter paid the next instalment
            assert (taken, paid, debits.get().amount) == (INSTALMENT, 2, INSTALMENT)
        else:  # the counter came first: nothing was due any more at night
            assert (taken, paid) == (0, 1)
        assert loan_balance(loan) == (_unpaid_principal(loan), 0)
    assert verify_cooperative(coop).ok
