"""Teller tests: the city's cooperative A with money in its vault and bank, and a drawer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.teller.models import CashDrawer
from lumbung.teller.services import drawer_create
from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: F401
from tests.web.conftest import as_user, ledger_flush_allowed  # noqa: F401

VAULT = 50_000_000_00  # Rp50.000.000 in the vault
BANK = 200_000_000_00


@dataclass
class Counter:
    drawer_a: CashDrawer
    drawer_a2: CashDrawer
    drawer_b: CashDrawer


def fund(cooperative, user, cash: int = VAULT, bank: int = BANK) -> None:
    """Opening capital: cash in the vault (1101) and money at the bank (1102)."""
    journal_entry_post(
        cooperative=cooperative,
        lines=[LineSpec("1101", debit=cash), LineSpec("1102", debit=bank),
               LineSpec("3103", credit=cash + bank)],
        description="Modal awal koperasi",
        acting_user=user,
    )


@pytest.fixture
def counter(city) -> Counter:
    fund(city.coop_a, city.accountant_a)
    fund(city.coop_b, None)
    return Counter(
        drawer_a=drawer_create(cooperative=city.coop_a, name="Laci 1", acting_user=city.manager_a),
        drawer_a2=drawer_create(cooperative=city.coop_a, name="Laci 2",
                                acting_user=city.manager_a),
        drawer_b=drawer_create(cooperative=city.coop_b, name="Laci 1", acting_user=None),
    )


def register_member(cooperative, user, name="Siti Aminah", serial=1):
    """A calon anggota with a structurally valid NIK (a woman born 17 August 1985)."""
    import datetime as dt

    from lumbung.members.services import member_register

    return member_register(
        cooperative=cooperative, nik=f"3375015708850{serial:03d}", name=name,
        birth_date=dt.date(1985, 8, 17), gender="P", acting_user=user,
        kelurahan="Noyontaan", kecamatan="Pekalongan Timur", phone="081234567890",
    )


@pytest.fixture
def session_a(city, counter):
    """Teller A's drawer open with a Rp10.000.000 float."""
    from lumbung.teller.services import drawer_session_open

    return drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                               float_amount=10_000_000_00, acting_user=city.teller_a)


@pytest.fixture
def siti(city, session_a):
    """Siti, admitted at teller A's counter; returns her sukarela account."""
    from lumbung.savings.models import SavingsAccount
    from lumbung.teller.services import counter_admit

    member = register_member(city.coop_a, city.teller_a)
    counter_admit(session=session_a, member=member, acting_user=city.teller_a,
                  idempotency_key="test:admit:siti")
    return SavingsAccount.objects.get(member=member, product__kind="sukarela")


@pytest.fixture
def siti_without_drawer(city, counter):
    """Siti admitted through the vault (no drawer open), her sukarela account."""
    from lumbung.savings.models import SavingsAccount
    from lumbung.savings.services import counterpart_by_purpose, member_admit

    member = register_member(city.coop_a, city.teller_a)
    member_admit(cooperative=city.coop_a, member=member,
                 counterpart=counterpart_by_purpose(city.coop_a, "cash"),
                 acting_user=city.teller_a, idempotency_key="test:admit:vault")
    return SavingsAccount.objects.get(member=member, product__kind="sukarela")


def open_many(city, count: int, start: int = 0) -> None:
    """`count` more tellers in A, each with a drawer opened with Rp100.000."""
    from lumbung.teller.services import drawer_session_open
    from lumbung.tenancy.services import staff_assign, user_create

    for n in range(start, start + count):
        user = user_create(username=f"kasir-{n}", password="x-12345678")
        staff_assign(cooperative=city.coop_a, user=user, role="teller", acting_user=None)
        drawer = drawer_create(cooperative=city.coop_a, name=f"Meja {n}", acting_user=None)
        drawer_session_open(cooperative=city.coop_a, drawer=drawer, float_amount=100_000_00,
                            acting_user=user)
