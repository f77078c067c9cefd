"""Nightly collection: what falls due is settled from the loan's credit, then by auto-debit from
the standing instruction's savings account as far as it goes; once per loan and day."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lumbung.ledger.verify import verify_cooperative
from lumbung.loans import collection
from lumbung.loans.models import Instalment, LoanRepayment
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
