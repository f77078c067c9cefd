"""Members of the fixed cast's cooperatives, admitted through the services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from lumbung.members.services import member_register
from lumbung.savings.services import Counterpart, counterpart_by_purpose, member_admit

RUPIAH = 100
_serial = itertools.count(1)


def register(cooperative, user, name="Siti Aminah", gender="P"):
    """A calon anggota with a structurally valid NIK (a woman born 17 August 1985)."""
    serial = next(_serial)
    day = 57 if gender == "P" else 17
    return member_register(
        cooperative=cooperative, nik=f"337501{day:02d}0885{serial:04d}", name=name,
        birth_date=dt.date(1985, 8, 17), gender=gender, acting_user=user,
        kelurahan="Noyontaan", kecamatan="Pekalongan Timur", phone="081234567890",
    )


def vault(cooperative) -> Counterpart:
    return counterpart_by_purpose(cooperative, "cash")


def admit(cooperative, user, name="Siti Aminah", gender="P"):
    member = register(cooperative, user, name=name, gender=gender)
    return member_admit(cooperative=cooperative, member=member, counterpart=vault(cooperative),
                        acting_user=user, idempotency_key=f"test:admit:{member.pk}")


@pytest.fixture
def siti(city):
    return admit(city.coop_a, city.teller_a)


@pytest.fixture
def budi(city):
    return admit(city.coop_a, city.teller_a, name="Budi Santoso", gender="L")


def account_of(admission, kind):
    return next(a for a in admission.accounts if a.product.kind == kind)


from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: E402, F401
from tests.web.conftest import as_user, ledger_flush_allowed  # noqa: E402, F401
