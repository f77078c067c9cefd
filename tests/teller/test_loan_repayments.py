"""Loan instalments paid in cash at the teller's drawer: the loans app's repayment with the
drawer as its cash side, a receipt like a deposit's, and who may do it.

The loan (tests/loans/test_repayments.py works it by hand): Rp10.000.000, pinjaman-umum, flat
18% a year, 10 months, disbursed on the business date 20 November 2026; each month Rp1.000.000
principal + Rp150.000 interest, the first due on 20 December 2026.
"""

from __future__ import annotations

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.verify import verify_cooperative
from lumbung.loans.models import Loan, LoanRepayment
from lumbung.loans.selectors import loan_balance
from lumbung.teller import selectors
from lumbung.teller.models import CounterTransaction
from lumbung.teller.receipts import receipt_for
from lumbung.teller.services import counter_loan_repay
from tests.loans.conftest import approved_loan, disbursed_loan
from tests.loans.conftest import fund as fund_capital

KASIR = "/k/ksp-a/kasir/"
JT = 1_000_000_00
INSTALMENT = 1_150_000_00


def writes() -> tuple[int, int, int, int]:
    return (JournalEntry.objects.count(), LoanRepayment.objects.count(),
            CounterTransaction.objects.count(),
            sum(Loan.objects.get(pk=pk).instalments.filter(paid_on__isnull=False).count()
                for pk in Loan.objects.values_list("pk", flat=True)))


@pytest.fixture
def loan(city, siti):
    """Siti's running Rp10.000.000 loan (disbursed from the vault)."""
    fund_capital(city.coop_a)
    return disbursed_loan(city, siti.member)


def _vault(city) -> int:
    return selectors.account_balance(cooperative=city.coop_a, purpose="cash")


def test_an_instalment_goes_into_the_tellers_drawer_through_the_loans_allocation(
        city, session_a, loan):
    drawer, vault = selectors.drawer_balance(drawer=session_a.drawer), _vault(city)
    record = counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT,
                                acting_user=city.teller_a, idempotency_key="t:loan:1")
    assert (record.kind, record.amount, record.account_label) == (
        "loan_repayment", INSTALMENT, "PJ-000001")
    assert record.member_id == loan.member_id and record.subledger_ref == f"loan:{loan.pk}"
    # The cash is in this drawer's sub-ledger of 1109; the vault did not move.
    assert selectors.drawer_balance(drawer=session_a.drawer) == drawer + INSTALMENT
    assert _vault(city) == vault
    lines = {(x.account.purpose, x.subledger_ref, x.debit, x.credit)
             for x in record.entry.lines.select_related("account")}
    assert lines == {
        ("cash_drawers", f"drawer:{session_a.drawer.pk}", INSTALMENT, 0),
        ("loans_members", f"loan:{loan.pk}", 0, JT),
        ("income_loan_interest", "", 0, 150_000_00),
    }
    repayment = LoanRepayment.objects.get(entry=record.entry)
    assert (repayment.channel, repayment.principal, repayment.interest, repayment.penalty) == (
        "counter", JT, 150_000_00, 0)
    assert loan_balance(loan) == (9 * JT, 0)
    assert loan.instalments.get(n=1).paid_on is not None
    assert verify_cooperative(city.coop_a).ok


def test_a_retry_with_the_same_key_takes_the_money_once(city, session_a, loan):
    first = counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT,
                               acting_user=city.teller_a, idempotency_key="t:loan:same")
    again = counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT,
                               acting_user=city.teller_a, idempotency_key="t:loan:same")
    assert first.pk == again.pk
    assert LoanRepayment.objects.count() == 1
    assert loan_balance(loan) == (9 * JT, 0)


def test_the_receipt_shows_the_split_and_what_is_left(city, session_a, loan):
    counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT,
                       acting_user=city.teller_a)
    # A second payment later the same day: what is left after *each* entry stays on its receipt.
    second = counter_loan_repay(session=session_a, loan=loan, amount=500_000_00,
                                acting_user=city.teller_a)
    first = CounterTransaction.objects.filter(kind="loan_repayment").order_by("pk").first()
    receipt = receipt_for(first, base_url="http://kop.test/")
    assert receipt.title == "Bukti Pembayaran Angsuran"
    assert (receipt.balance_label, receipt.balance_after) == ("Sisa pinjaman", 9 * JT)
    assert receipt.parts == (("Pokok", JT), ("Bunga / margin", 150_000_00))
    assert receipt.amount_words == "satu juta seratus lima puluh ribu rupiah"
    # Rp500.000 reaches instalment 2: interest Rp150.000 first, then Rp350.000 principal.
    later = receipt_for(second, base_url="http://kop.test/")
    assert later.balance_after == 9 * JT - 350_000_00
    assert later.parts == (("Pokok", 350_000_00), ("Bunga / margin", 150_000_00))


def test_refusals_write_nothing(city, session_a, loan, siti):
    not_running = approved_loan(city, siti.member, amount_rupiah=2_000_000)
    before = writes()
    with pytest.raises(LumbungError) as error:
        counter_loan_repay(session=session_a, loan=not_running, amount=INSTALMENT,
                           acting_user=city.teller_a)
    assert error.value.code == "LOAN_NOT_ACTIVE"
    with pytest.raises(LumbungError) as payoff:
        counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT, early_payoff=True,
                           acting_user=city.teller_a)
    assert payoff.value.code == "LOAN_PAYOFF_AMOUNT"
    with pytest.raises(LumbungError) as zero:
        counter_loan_repay(session=session_a, loan=loan, amount=0, acting_user=city.teller_a)
    assert zero.value.code == "TELLER_AMOUNT_REQUIRED"
    # Somebody else's drawer: the manager may not take money into the teller's drawer.
    with pytest.raises(LumbungError) as other:
        counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT,
                           acting_user=city.manager_a)
    assert other.value.code == "TELLER_NOT_YOUR_DRAWER"
    assert writes() == before
    assert loan_balance(loan) == (10 * JT, 0)


def test_the_drawer_closes_exactly_after_repayments(city, session_a, loan):
    counter_loan_repay(session=session_a, loan=loan, amount=INSTALMENT, acting_user=city.teller_a)
    from lumbung.teller.services import drawer_session_close

    expected = selectors.drawer_balance(drawer=session_a.drawer)
    notes, rest = divmod(expected, 100_000_00)
    count = {"k100000": notes, "k50000": rest // 50_000_00}
    assert rest % 50_000_00 == 0
    closed = drawer_session_close(session=session_a, count=count, acting_user=city.teller_a)
    assert closed.difference == 0
    assert verify_cooperative(city.coop_a).ok


# ---------------------------------------------------------------- the screen


def test_the_teller_finds_the_loan_and_takes_the_instalment_over_http(
        city, session_a, loan, as_user):
    client = as_user(city.teller_a)
    page = client.get(KASIR, {"q": "Siti"}).content.decode()
    assert 'data-loan="PJ-000001"' in page and "Bayar angsuran" in page
    # Nothing is due yet on 20 November: the next instalment is suggested.
    assert 'value="1.150.000,00"' in page
    response = client.post(f"{KASIR}angsuran/", {"loan": loan.pk, "amount": "1.150.000",
                                                 "token": "l1"})
    record = CounterTransaction.objects.get(kind="loan_repayment")
    assert response["Location"] == f"{KASIR}bukti/{record.pk}/"
    receipt = client.get(response["Location"]).content.decode()
    assert "Bukti Pembayaran Angsuran" in receipt and "PJ-000001" in receipt
    assert "Satu juta seratus lima puluh ribu rupiah" in receipt
    assert "Sisa pinjaman" in receipt and "Rp9.000.000,00" in receipt
    assert f"/v/ksp-a/{record.entry.number}/{record.entry.hash[:16]}/" in receipt
    assert siti_nik(loan) not in receipt
    for paper in ("a6", "80mm"):
        pdf = client.get(f"{KASIR}bukti/{record.pk}/{paper}.pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The same form sent again records nothing more.
    client.post(f"{KASIR}angsuran/", {"loan": loan.pk, "amount": "1.150.000", "token": "l1"})
    assert LoanRepayment.objects.count() == 1
    # The public page checks it like any receipt.
    check = client.get(f"/v/ksp-a/{record.entry.number}/{record.entry.hash[:16]}/")
    assert "Asli dan utuh." in check.content.decode()


def siti_nik(loan) -> str:
    return loan.member.nik


def test_a_refusal_on_the_screen_shows_its_code_and_writes_nothing(city, session_a, loan,
                                                                   as_user):
    before = writes()
    response = as_user(city.teller_a).post(
        f"{KASIR}angsuran/", {"loan": loan.pk, "amount": "1.150.000", "early_payoff": "on",
                              "token": "l2"}, follow=True)
    assert "LOAN_PAYOFF_AMOUNT" in response.content.decode()
    assert writes() == before


@pytest.mark.parametrize("user", ["auditor_a", "accountant_a", "analyst_a"])
def test_people_without_counter_training_are_refused_and_nothing_is_written(
        city, session_a, loan, as_user, user):
    before = writes()
    response = as_user(getattr(city, user)).post(
        f"{KASIR}angsuran/", {"loan": loan.pk, "amount": "1.150.000", "token": "l3"})
    assert response.status_code == 403
    assert writes() == before


def test_another_cooperatives_loan_is_a_404_and_nothing_is_written(city, session_a, loan,
                                                                   as_user):
    from lumbung.teller.services import drawer_session_open

    drawer_b = city.coop_b.drawers.get()
    drawer_session_open(cooperative=city.coop_b, drawer=drawer_b, float_amount=0,
                        acting_user=city.teller_b)
    client = as_user(city.teller_b)
    before = writes()
    # Through their own cooperative's counter, A's loan is not found ...
    assert client.post("/k/kspps-b/kasir/angsuran/", {"loan": loan.pk, "amount": "1.150.000",
                                                      "token": "l4"}).status_code == 404
    # ... and A's counter does not exist for them.
    assert client.post(f"{KASIR}angsuran/", {"loan": loan.pk, "amount": "1.150.000",
                                             "token": "l5"}).status_code == 404
    assert writes() == before
    # The service refuses a loan of another cooperative as well.
    session_b = drawer_b.sessions.get()
    with pytest.raises(LumbungError) as error:
        counter_loan_repay(session=session_b, loan=loan, amount=INSTALMENT,
                           acting_user=city.teller_b)
    assert error.value.code == "NOT_FOUND"
    assert writes() == before


def test_the_search_lists_loans_in_fixed_queries(city, session_a, loan, as_user,
                                                 django_assert_max_num_queries):
    from lumbung.teller.services import counter_admit
    from tests.teller.conftest import register_member

    client = as_user(city.teller_a)
    with django_assert_max_num_queries(30) as first:
        client.get(KASIR, {"q": "Siti"})
    for serial in range(2, 5):
        member = register_member(city.coop_a, city.teller_a, name=f"Siti {serial}",
                                 serial=serial)
        counter_admit(session=session_a, member=member, acting_user=city.teller_a)
        disbursed_loan(city, member, amount_rupiah=1_000_000)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(KASIR, {"q": "Siti"}).content.decode()
    assert page.count("data-loan=") == 4
