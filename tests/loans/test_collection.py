"""Nightly collection: what falls due is settled from the loan's credit, then by auto-debit from
the standing instruction's savings account as far as it goes; once per loan and day."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lumbung.ledger.verify import verify_cooperative
from lumbung.loans import collection
from lumbung.loans.models import Instalment, LoanRepayment
from lumbung.loans.services import savings_available_many
from lumbung.savings.models import SavingsAccount
from lumbung.savings.services import savings_available, savings_deposit
from tests.conftest import BUSINESS_DATE
from tests.loans.financing_helpers import make_loan
from tests.savings.conftest import account_of, admit, vault

RP = 100


def _collect(coop):
    with transaction.atomic(durable=True):
        return collection.collect_due(cooperative=coop, as_of=coop.business_date,
                                      acting_user=None)


def test_standing_instructions_collect_what_is_due_as_far_as_savings_go(city):
    coop = city.coop_a
    pairs = []
    for name, gender, deposit in (("Siti", "P", 2_000_000 * RP), ("Budi", "L", 300_000 * RP)):
        admission = admit(coop, city.teller_a, name=name, gender=gender)
        account = account_of(admission, "sukarela")
        savings_deposit(cooperative=coop, account=account, amount=deposit,
                        counterpart=vault(coop), acting_user=city.teller_a,
                        idempotency_key=f"test:deposit:{name}")
        # Rp6.000.000 over 6 months, flat 12 %: Rp1.060.000 due on 20 Nov.
        loan = make_loan(coop, principal=6_000_000 * RP, months=6, borrower=admission.member,
                         start=dt.date(2026, 10, 20))
        loan.autodebit_savings_id = account.pk
        loan.save(update_fields=["autodebit_savings_id"])
        pairs.append((loan, account))
    untouched = make_loan(coop, principal=6_000_000 * RP, months=6, start=dt.date(2026, 10, 20))
    before = {account.pk: savings_available(account) for _loan, account in pairs}

    (full, full_account), (short, short_account) = pairs
    short_has = before[short_account.pk]  # Rp300.000 less the product's minimum balance
    assert 0 < short_has <= 300_000 * RP
    assert _collect(coop) == {"loans": 2, "settled": 1_060_000 * RP + short_has}
    assert Instalment.objects.get(loan=full, n=1).paid_on == BUSINESS_DATE
    assert savings_available(full_account) == before[full_account.pk] - 1_060_000 * RP
    assert savings_available(short_account) == 0
    assert Instalment.objects.get(loan=short, n=1).unpaid == 1_060_000 * RP - short_has
    assert LoanRepayment.objects.get(loan=short).channel == "autodebit"
    assert not LoanRepayment.objects.filter(loan=untouched).exists()
    # The same night again moves nothing more.
    assert LoanRepayment.objects.count() == 2
    _collect(coop)
    assert LoanRepayment.objects.count() == 2
    assert verify_cooperative(coop).ok


def _funded(coop, teller, name: str, gender: str, amount: int):
    admission = admit(coop, teller, name=name, gender=gender)
    account = account_of(admission, "sukarela")
    if amount:
        savings_deposit(cooperative=coop, account=account, amount=amount,
                        counterpart=vault(coop), acting_user=teller,
                        idempotency_key=f"test:deposit:{name}")
    return admission, account


def test_the_batch_reads_what_savings_says_can_be_taken(city):
    coop = city.coop_a
    admission, sukarela = _funded(coop, city.teller_a, "Siti", "P", 500_000 * RP)
    _other, held = _funded(coop, city.teller_a, "Budi", "L", 500_000 * RP)
    SavingsAccount.objects.filter(pk=held.pk).update(held_amount=200_000 * RP)
    _third, closed = _funded(coop, city.teller_a, "Rina", "P", 100_000 * RP)
    SavingsAccount.objects.filter(pk=closed.pk).update(status=SavingsAccount.Status.CLOSED,
                                                      closed_on=coop.business_date)
    accounts = list(SavingsAccount.objects.filter(cooperative=coop)
                    .select_related("product__ledger_account", "member"))
    assert {a.product.kind for a in accounts} >= {"pokok", "wajib", "sukarela"}
    expected = {a.pk: savings_available(a) for a in accounts}
    assert savings_available_many(accounts) == expected
    assert expected[held.pk] == expected[sukarela.pk] - 200_000 * RP > 0
    assert expected[closed.pk] == 0 == expected[account_of(admission, "pokok").pk]


def test_two_loans_on_one_account_never_take_more_than_it_has(city):
    coop = city.coop_a
    admission, account = _funded(coop, city.teller_a, "Siti", "P", 1_500_000 * RP)
    loans = []
    for _ in range(2):
        loan = make_loan(coop, principal=6_000_000 * RP, months=6, borrower=admission.member,
                         start=dt.date(2026, 10, 20))  # Rp1.060.000 due on 20 Nov each
        loan.autodebit_savings_id = account.pk
        loan.save(update_fields=["autodebit_savings_id"])
        loans.append(loan)
    available = savings_available(account)
    assert 1_060_000 * RP < available < 2 * 1_060_000 * RP
    assert _collect(coop) == {"loans": 2, "settled": available}
    assert savings_available(account) == 0
    paid = [LoanRepayment.objects.get(loan=loan).amount for loan in loans]
    assert paid == [1_060_000 * RP, available - 1_060_000 * RP]
    assert verify_cooperative(coop).ok


def test_late_borrowers_with_empty_accounts_cost_no_work_per_loan(city):
    coop = city.coop_a

    def late_with_empty_account(name: str) -> None:
        admission, account = _funded(coop, city.teller_a, name, "P", 0)
        loan = make_loan(coop, principal=3_000_000 * RP, months=6, borrower=admission.member,
                         start=dt.date(2026, 6, 20))
        loan.autodebit_savings_id = account.pk
        loan.save(update_fields=["autodebit_savings_id"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _collect(coop) == {"loans": 0, "settled": 0}
        return len(captured.captured_queries)

    late_with_empty_account("Ani")
    assert collection.collectable_loans(coop, coop.business_date) == []
    few = queries()
    for name in ("Bela", "Citra", "Dewi"):
        late_with_empty_account(name)
    assert queries() == few
