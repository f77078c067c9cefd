"""Bill payments through the aggregator simulator: accounting, faults, reconciliation."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import Account, JournalEntry, SubledgerBalance
from lumbung.ledger.verify import verify_cooperative
from lumbung.portal import simulator
from lumbung.portal.billers import PaymentResult
from lumbung.portal.models import BillPayment, SettlementCheck
from lumbung.portal.ppob import (
    _apply,
    bill_pay,
    bill_quote,
    bill_settle,
    bills_settle_pending,
    settlement_reconcile,
    voluntary_account,
)
from lumbung.savings.selectors import account_balance
from tests.portal.conftest import RUPIAH

FEE = 2_500 * RUPIAH


@pytest.fixture
def aggregator():
    server, books = simulator.serve()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with override_settings(LUMBUNG_BILLER_URL=url, LUMBUNG_BILLER_TIMEOUT=0.5):
        yield books
    server.shutdown()
    server.server_close()


def _balance(cooperative, purpose: str) -> int:
    account = Account.objects.get(cooperative=cooperative, purpose=purpose)
    balance = account.balance
    return balance.credit - balance.debit


def pay(city, member, product="pln_prepaid", customer="532100012345", amount=100_000 * RUPIAH,
        token="t1"):  # noqa: S107 - a client token, not a secret
    quote = bill_quote(cooperative=city.coop_a, member=member, product=product,
                       customer_no=customer, amount=amount, client_token=token)
    return bill_pay(cooperative=city.coop_a, member=member, payment=quote)


def test_a_token_purchase_debits_savings_and_credits_the_payable_and_the_fee(
        saver, city, aggregator):
    payment = pay(city, saver)
    assert payment.status == BillPayment.Status.SUCCESS
    assert len(payment.token.split()) == 5 and payment.aggregator_ref.startswith("AGR")
    account = voluntary_account(city.coop_a, saver)
    assert account_balance(account) == 500_000 * RUPIAH - 100_000 * RUPIAH - FEE
    assert _balance(city.coop_a, "ppob_payable") == 100_000 * RUPIAH
    assert _balance(city.coop_a, "income_ppob_fee") == FEE
    entry = JournalEntry.objects.get(cooperative=city.coop_a, number=payment.entry_number)
    assert {line.member_id for line in entry.lines.all()} == {saver.pk}
    assert verify_cooperative(city.coop_a).ok


def test_a_postpaid_bill_is_what_the_biller_asks(saver, city, aggregator):
    quote = bill_quote(cooperative=city.coop_a, member=saver, product="pdam",
                       customer_no="0401-2345-67", client_token="q")
    # Hand-worked: digits of 04012345 67 sum to 32; Rp47.500 + 32 × Rp7.919 = Rp300.908.
    assert quote.amount == 300_908 * RUPIAH == simulator.bill_amount("pdam", "04012345" + "67")
    assert quote.fee == 2_000 * RUPIAH and quote.status == BillPayment.Status.QUOTED
    assert JournalEntry.objects.filter(source="ppob").count() == 0


def test_paying_twice_charges_once(saver, city, aggregator):
    first = pay(city, saver)
    again = bill_pay(cooperative=city.coop_a, member=saver, payment=first)
    same_token = pay(city, saver)
    assert first.pk == again.pk == same_token.pk
    assert JournalEntry.objects.filter(source="ppob").count() == 1
    assert sum(c.startswith("POST /v1/pay") for c in aggregator.calls) == 1


def test_a_timeout_after_the_debit_is_settled_by_the_status_check(saver, city, aggregator):
    payment = pay(city, saver, customer="532100012377")
    assert payment.status == BillPayment.Status.PROCESSING
    account = voluntary_account(city.coop_a, saver)
    debited = 500_000 * RUPIAH - 100_000 * RUPIAH - FEE
    assert account_balance(account) == debited
    assert bills_settle_pending(cooperative=city.coop_a) == {"success": 1}
    assert BillPayment.objects.get().status == BillPayment.Status.SUCCESS
    assert account_balance(account) == debited
    assert JournalEntry.objects.filter(source__in=["ppob", "reversal"]).count() == 1


def test_a_refused_payment_is_reversed_to_the_sen(saver, city, aggregator):
    payment = pay(city, saver, customer="532100012388")
    assert payment.status == BillPayment.Status.REVERSED
    assert account_balance(voluntary_account(city.coop_a, saver)) == 500_000 * RUPIAH
    assert _balance(city.coop_a, "ppob_payable") == 0
    assert _balance(city.coop_a, "income_ppob_fee") == 0
    assert payment.reversal_number == payment.entry_number + 1
    assert verify_cooperative(city.coop_a).ok


def test_a_pending_payment_waits_for_the_biller(saver, city, aggregator):
    payment = pay(city, saver, customer="532100012366")
    assert payment.status == BillPayment.Status.PROCESSING
    assert bill_settle(payment=payment).status == BillPayment.Status.PROCESSING
    assert bill_settle(payment=payment).status == BillPayment.Status.SUCCESS


def test_a_duplicate_result_changes_nothing(saver, city, aggregator):
    payment = pay(city, saver)
    failed = PaymentResult(reference=payment.reference, status="failed")
    for result in (failed, PaymentResult(reference=payment.reference, status="success")):
        assert _apply(payment, result).status == BillPayment.Status.SUCCESS
    assert JournalEntry.objects.filter(source="reversal").count() == 0


def test_the_aggregator_down_before_the_debit_writes_nothing(saver, city):
    entries = JournalEntry.objects.count()
    with override_settings(LUMBUNG_BILLER_URL="http://127.0.0.1:9", LUMBUNG_BILLER_TIMEOUT=0.5), \
            pytest.raises(LumbungError) as refused:
        pay(city, saver)
    assert refused.value.code == "PORTAL_BILLER_DOWN"
    assert JournalEntry.objects.count() == entries and not BillPayment.objects.exists()


def test_the_aggregator_down_after_the_debit_gives_the_money_back_later(saver, city, aggregator):
    quote = bill_quote(cooperative=city.coop_a, member=saver, product="pulsa",
                       customer_no="081234567890", amount=50_000 * RUPIAH, client_token="p")
    with override_settings(LUMBUNG_BILLER_URL="http://127.0.0.1:9"):
        payment = bill_pay(cooperative=city.coop_a, member=saver, payment=quote)
        assert payment.status == BillPayment.Status.PROCESSING
        assert bill_settle(payment=payment).status == BillPayment.Status.PROCESSING
    # Back up: the aggregator never saw the reference, so it is cancelled and reversed.
    assert bill_settle(payment=payment).status == BillPayment.Status.REVERSED
    assert account_balance(voluntary_account(city.coop_a, saver)) == 500_000 * RUPIAH
    assert "POST /v1/reverse" in aggregator.calls


def test_refusals_write_nothing(saver, city, aggregator, members_of_a):
    entries = JournalEntry.objects.count()
    cases = [
        ({"product": "pln_prepaid", "amount": 12_345 * RUPIAH}, "PORTAL_BILL_PRODUCT"),
        ({"product": "listrik", "amount": 0}, "PORTAL_BILL_PRODUCT"),
        ({"product": "pln_postpaid", "customer": "532100012300"}, "PORTAL_BILL_REFUSED"),
        ({"product": "pln_prepaid", "amount": 1_000_000 * RUPIAH}, "PORTAL_INSUFFICIENT"),
    ]
    for n, (kwargs, code) in enumerate(cases):
        with pytest.raises(LumbungError) as refused:
            pay(city, saver, token=f"r{n}", **kwargs)
        assert refused.value.code == code
    quote = BillPayment.objects.get()
    assert quote.status == BillPayment.Status.QUOTED
    with pytest.raises(LumbungError) as refused:
        bill_pay(cooperative=city.coop_a, member=members_of_a, payment=quote)
    assert refused.value.code == "NOT_FOUND"
    assert JournalEntry.objects.count() == entries


def test_the_daily_reconciliation_flags_every_difference(saver, city, aggregator):
    paid = [pay(city, saver, token=f"t{n}", amount=amount * RUPIAH)
            for n, amount in enumerate((20_000, 50_000, 100_000))]
    clean = settlement_reconcile(cooperative=city.coop_a, date=city.coop_a.business_date,
                                 rows=_rows_for(aggregator, paid))
    assert clean.differences == [] and clean.matched == 3
    doctored = _rows_for(aggregator, paid)
    doctored[0]["amount"] += 100
    del doctored[1]
    doctored.append({"reference": f"LBG{city.coop_a.pk}-999", "amount": 5_000_00})
    check = settlement_reconcile(cooperative=city.coop_a, date=city.coop_a.business_date,
                                 rows=doctored)
    assert [(d["kind"], d["reference"]) for d in check.differences] == sorted([
        ("amount", paid[0].reference), ("missing_at_aggregator", paid[1].reference),
        ("missing_here", f"LBG{city.coop_a.pk}-999")], key=lambda d: d[1])
    assert check.matched == 1 and SettlementCheck.objects.count() == 2


def _rows_for(aggregator, paid):
    return [{"reference": p.reference, "amount": aggregator.payments[p.reference]["amount"]}
            for p in paid]


def test_the_ledger_subledgers_still_sum_after_all_of_it(saver, city, aggregator):
    for n, customer in enumerate(("532100012345", "532100012388", "532100012377")):
        pay(city, saver, customer=customer, token=f"x{n}")
    bills_settle_pending(cooperative=city.coop_a)
    account = voluntary_account(city.coop_a, saver)
    row = SubledgerBalance.objects.get(ref=account.subledger_ref)
    assert row.credit - row.debit == 500_000 * RUPIAH - 2 * (100_000 * RUPIAH + FEE)
    assert verify_cooperative(city.coop_a).ok
