"""Loans of the fixed cast: members admitted through savings, a funded cooperative (modal
sendiri for the BMPP), a board member for committee approvals, helpers for the workflow."""

from __future__ import annotations

import pytest

from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.loans.models import Loan, LoanProduct
from lumbung.loans.services import (
    loan_application_decide,
    loan_application_submit,
    loan_disburse,
)
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import City, _staff
from tests.savings.conftest import admit, vault  # noqa: F401

RUPIAH = 100


def fund(cooperative, reserve_rupiah: int = 1_000_000_000) -> None:
    """Cash in the vault and a general reserve (modal sendiri), so loans can be paid out."""
    codes = account_codes_by_purpose(cooperative=cooperative, purposes={"cash", "reserve"})
    amount = reserve_rupiah * RUPIAH
    journal_entry_post(cooperative=cooperative, description="Modal awal",
                       lines=[LineSpec(codes["cash"], debit=amount),
                              LineSpec(codes["reserve"], credit=amount)],
                       acting_user=None)


def product(cooperative, code: str = "pinjaman-umum") -> LoanProduct:
    return LoanProduct.objects.get(cooperative=cooperative, code=code)


def approved_loan(city: City, member, amount_rupiah: int = 10_000_000, months: int = 10,
                  code: str = "pinjaman-umum") -> Loan:
    application = loan_application_submit(
        cooperative=city.coop_a, member=member, product=product(city.coop_a, code),
        amount=amount_rupiah * RUPIAH, term_months=months, purpose="Modal warung",
        acting_user=city.teller_a,
    )
    loan_application_decide(application=application, approve=True, acting_user=city.manager_a)
    return Loan.objects.get(application=application)


def disbursed_loan(city: City, member, **kwargs) -> Loan:
    loan = approved_loan(city, member, **kwargs)
    return loan_disburse(cooperative=city.coop_a, loan=loan, acting_user=city.teller_a)


@pytest.fixture
def funded(city: City) -> City:
    fund(city.coop_a)
    return city


@pytest.fixture
def board_a(city: City):
    return _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)


@pytest.fixture
def siti(funded: City):
    return admit(funded.coop_a, funded.teller_a).member


@pytest.fixture
def siti_admission(funded: City):
    return admit(funded.coop_a, funded.teller_a, name="Siti Rahma")


from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: E402, F401


def move_to(city: City, day) -> None:
    """Set cooperative A's business date (what `lumbung eod` does night by night)."""
    from lumbung.tenancy.models import Cooperative

    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=day)
    city.coop_a.refresh_from_db()
