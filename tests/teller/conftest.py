"""Teller tests: the city's cooperative A with money in its vault and bank, and a drawer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.teller.models import CashDrawer
from lumbung.teller.services import drawer_create
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
