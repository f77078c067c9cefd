"""Restructuring, write-off (hapus buku) and recovery: two people, exact entries, nothing written
when refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.services import approval_decide
from lumbung.ledger.verify import verify_cooperative
from lumbung.loans import portfolio
from lumbung.loans.models import Instalment, Loan
from lumbung.loans.models_quality import LoanQuality, LoanRecovery, LoanRestructure, LoanWriteOff
from lumbung.loans.workout import (
    loan_recovery_record,
    loan_restructure_submit,
    loan_write_off_submit,
)
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import BUSINESS_DATE, _staff
from tests.loans.financing_helpers import make_loan, move_to, pay_instalment

RP = 100


def _lines(entry):
    return [(x.account.purpose, x.debit, x.credit) for x in entry.lines.select_related("account")]


def _refused(code, call, *args, **kwargs):
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as refused:
        call(*args, **kwargs)
    assert refused.value.code == code
    assert JournalEntry.objects.count() == entries
    return refused.value


@pytest.fixture
def bad_loan(city):
    """Rp6.000.000 from 20 Nov 2025, nothing paid: macet, provisioned at 100 %."""
    loan = make_loan(city.coop_a, principal=6_000_000 * RP, start=dt.date(2025, 11, 20))
    portfolio.loans_age(cooperative=city.coop_a, as_of=BUSINESS_DATE)
    portfolio.provision_adjust(cooperative=city.coop_a, as_of=BUSINESS_DATE, acting_user=None)
    return loan


def test_a_macet_loan_is_written_off_by_two_people_and_recovered(city, bad_loan):
    coop = city.coop_a
    request = loan_write_off_submit(cooperative=coop, loan=bad_loan, reason="usaha bangkrut",
                                    acting_user=city.accountant_a)
    assert request.status == ApprovalRequest.Status.PENDING
    assert request.amount == 6_000_000 * RP
    _refused("APPROVAL_SELF", approval_decide, request=request, approve=True,
             acting_user=city.accountant_a)
    _refused("APPROVAL_LIMIT", approval_decide, request=request, approve=True,
             acting_user=city.teller_a)
    assert Loan.objects.get(pk=bad_loan.pk).status == Loan.Status.ACTIVE

    approval_decide(request=request, approve=True, acting_user=city.manager_a)
    write_off = LoanWriteOff.objects.get(loan=bad_loan)
    assert _lines(write_off.entry) == [("loan_loss_allowance", 6_000_000 * RP, 0),
                                       ("loans_members", 0, 6_000_000 * RP)]
    assert (write_off.principal, write_off.allowance_used, write_off.expense) == (
        6_000_000 * RP, 6_000_000 * RP, 0)
    assert write_off.interest_unpaid == 12 * 60_000 * RP
    assert write_off.approved_by == city.manager_a
    assert Loan.objects.get(pk=bad_loan.pk).status == Loan.Status.WRITTEN_OFF
    assert AuditEvent.objects.filter(action="loans.write_off.done").count() == 1
    assert verify_cooperative(coop).ok
    # Off the books: the next night requires no provision and moves nothing.
    move_to(coop, BUSINESS_DATE + dt.timedelta(days=1))
    portfolio.loans_age(cooperative=coop, as_of=coop.business_date)
    assert portfolio.provision_adjust(cooperative=coop, as_of=coop.business_date,
                                      acting_user=None)["adjustment"] == 0

    recovery = loan_recovery_record(cooperative=coop, write_off=write_off,
                                    amount=1_000_000 * RP, idempotency_key="kw-1",
                                    acting_user=city.teller_a)
    assert _lines(recovery.entry) == [("cash", 1_000_000 * RP, 0),
                                      ("income_loan_recovery", 0, 1_000_000 * RP)]
    assert all(line.member_id == bad_loan.member_id for line in recovery.entry.lines.all())
    again = loan_recovery_record(cooperative=coop, write_off=write_off, amount=1_000_000 * RP,
                                 idempotency_key="kw-1", acting_user=city.teller_a)
    assert again.pk == recovery.pk
    # Claim Rp6.720.000, Rp1.000.000 recovered: Rp5.720.000,01 is too much.
    error = _refused("LOAN_RECOVERY_TOO_MUCH", loan_recovery_record, cooperative=coop,
                     write_off=write_off, amount=5_720_000 * RP + 1, idempotency_key="kw-2",
                     acting_user=city.teller_a)
    assert "Rp5.720.000,00" in error.message
    assert LoanRecovery.objects.count() == 1


def test_only_a_macet_loan_can_be_written_off(city):
    loan = make_loan(city.coop_a, principal=1_000_000 * RP)
    portfolio.loans_age(cooperative=city.coop_a, as_of=BUSINESS_DATE)
    _refused("LOAN_WRITE_OFF_NOT_MACET", loan_write_off_submit, cooperative=city.coop_a,
             loan=loan, reason="x", acting_user=city.accountant_a)
    assert ApprovalRequest.objects.count() == 0


def test_a_write_off_without_enough_allowance_takes_the_rest_to_expense(city):
    loan = make_loan(city.coop_a, principal=2_000_000 * RP, start=dt.date(2025, 1, 10))
    portfolio.loans_age(cooperative=city.coop_a, as_of=BUSINESS_DATE)  # macet, not provisioned
    request = loan_write_off_submit(cooperative=city.coop_a, loan=loan, reason="meninggal",
                                    acting_user=city.accountant_a)
    approval_decide(request=request, approve=True, acting_user=city.manager_a)
    assert _lines(LoanWriteOff.objects.get().entry) == [
        ("expense_loan_loss", 2_000_000 * RP, 0), ("loans_members", 0, 2_000_000 * RP)]


def test_a_murabahah_write_off_clears_its_deferred_margin(city):
    coop = city.coop_b
    accountant = _staff(coop, "akuntan-b", CooperativeRole.ACCOUNTANT)
    manager = _staff(coop, "manajer-b", CooperativeRole.MANAGER)
    # Cost Rp10.000.000, 15 % a year for 12 months: margin Rp125.000 a month, Rp1.500.000 in all.
    loan = make_loan(coop, principal=10_000_000 * RP, rate="15", start=dt.date(2025, 6, 1))
    pay_instalment(loan, 1)  # Rp958.333 → margin recognised 1.5M × 958,333 / 11.5M = 124.999,96
    portfolio.loans_age(cooperative=coop, as_of=BUSINESS_DATE)
    portfolio.provision_adjust(cooperative=coop, as_of=BUSINESS_DATE, acting_user=None)
    request = loan_write_off_submit(cooperative=coop, loan=loan, reason="usaha tutup",
                                    acting_user=accountant)
    approval_decide(request=request, approve=True, acting_user=manager)
    write_off = LoanWriteOff.objects.get()
    # Receivable Rp11.500.000 − 958.333 = 10.541.667; deferred 1.500.000 − 124.999,96.
    assert write_off.deferred_margin == 1_375_000_04
    assert write_off.principal == 10_541_667 * RP - 1_375_000_04
    assert _lines(write_off.entry) == [
        ("loan_loss_allowance", 9_166_666_96, 0),
        ("deferred_murabahah_margin", 1_375_000_04, 0),
        ("financing_murabahah", 0, 10_541_667 * RP),
    ]
    assert verify_cooperative(coop).ok


def test_a_late_loan_is_restructured_after_approval(city):
    coop = city.coop_a
    loan = make_loan(coop, principal=12_000_000 * RP, start=dt.date(2026, 6, 20))
    pay_instalment(loan, 1)
    pay_instalment(loan, 2)
    portfolio.loans_age(cooperative=coop, as_of=BUSINESS_DATE)
    assert LoanQuality.objects.get(loan=loan).loan_class == "kurang_lancar"
    request = loan_restructure_submit(
        cooperative=coop, loan=loan, term_months=24, annual_rate=Decimal("12"),
        first_due_date=dt.date(2026, 12, 20), reason="omzet turun", acting_user=city.accountant_a)
    assert Instalment.objects.filter(loan=loan).count() == 12  # nothing changes before approval
    _refused("LOAN_RESTRUCTURE_PENDING", loan_restructure_submit, cooperative=coop, loan=loan,
             term_months=12, annual_rate=Decimal("12"), first_due_date=dt.date(2026, 12, 20),
             reason="lagi", acting_user=city.accountant_a)
    entries = JournalEntry.objects.count()
    approval_decide(request=request, approve=True, acting_user=city.manager_a)
    assert JournalEntry.objects.count() == entries  # no money moves
    restructure = LoanRestructure.objects.get(loan=loan)
    assert (restructure.requested_by, restructure.approved_by) == (city.accountant_a,
                                                                  city.manager_a)
    # Rp10.000.000 rescheduled; interest of instalments 3-5 (due by 20 Nov) carried: Rp360.000,
    # Rp15.000 on each of 24 new instalments of flat 12 %: Rp100.000 interest.
    assert (restructure.principal, restructure.interest_carried) == (
        10_000_000 * RP, 360_000 * RP)
    rows = list(Instalment.objects.filter(loan=loan).order_by("n"))
    assert [r.n for r in rows] == [1, 2, *range(13, 37)]
    new = rows[2:]
    assert new[0].due_date == dt.date(2026, 12, 20)
    assert new[-1].due_date == dt.date(2028, 11, 20)
    assert sum(r.principal for r in new) == 10_000_000 * RP
    assert {r.interest for r in new} == {115_000 * RP}
    assert restructure.previous_class == "kurang_lancar"
    portfolio.loans_age(cooperative=coop, as_of=BUSINESS_DATE)
    assert LoanQuality.objects.get(loan=loan).loan_class == "lancar"
    assert AuditEvent.objects.filter(action="loans.restructure.done").count() == 1


def test_a_murabahah_restructure_adds_no_margin(city):
    loan = make_loan(city.coop_b, principal=1_000_000 * RP, rate="15")
    _refused("LOAN_MURABAHAH_NO_NEW_MARGIN", loan_restructure_submit, cooperative=city.coop_b,
             loan=loan, term_months=24, annual_rate=Decimal("5"),
             first_due_date=dt.date(2026, 12, 20), reason="x", acting_user=city.teller_b)
    assert LoanRestructure.objects.count() == 0
