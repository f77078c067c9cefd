"""The fixed cast every test uses (STYLE.md habit 8).

Kota Pekalongan's Dinas supervises cooperative A (a KSP); cooperative B (a KSPPS) belongs to
Kota Tangerang's Dinas. People: in A a teller, an auditor (pengawas), an accountant, a manager;
in B a teller; a Dinas analyst of Pekalongan (sees A, not B).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from lumbung.tenancy.models import Cooperative, CooperativeRole, OfficeRole, SupervisorOffice, User
from lumbung.tenancy.services import (
    cooperative_register,
    office_register,
    office_staff_assign,
    staff_assign,
    user_create,
)

BUSINESS_DATE = dt.date(2026, 11, 20)
PASSWORD = "rahasia-uji-123"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is the real hasher (tested on its own); tests hash many users, so use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class City:
    office_a: SupervisorOffice
    office_b: SupervisorOffice
    coop_a: Cooperative
    coop_b: Cooperative
    teller_a: User
    auditor_a: User
    accountant_a: User
    manager_a: User
    teller_b: User
    analyst_a: User


def _staff(cooperative: Cooperative, username: str, role: str) -> User:
    user = user_create(username=username, password=PASSWORD, full_name=username.title())
    staff_assign(cooperative=cooperative, user=user, role=role, acting_user=None)
    return user


def build_city() -> City:
    office_a = office_register(code="kota-pekalongan", name="Dinas Koperasi Kota Pekalongan",
                               jurisdiction="Kota Pekalongan", province="Jawa Tengah",
                               acting_user=None)
    office_b = office_register(code="kota-tangerang", name="Dinas Koperasi Kota Tangerang",
                               jurisdiction="Kota Tangerang", province="Banten", acting_user=None)
    coop_a = cooperative_register(office=office_a, code="ksp-a", name="KSP Amanah A", kind="KSP",
                                  business_date=BUSINESS_DATE, kecamatan="Pekalongan Timur",
                                  kelurahan="Noyontaan", region_label="Timur", acting_user=None)
    coop_b = cooperative_register(office=office_b, code="kspps-b", name="KSPPS Berkah B",
                                  kind="KSPPS", business_date=BUSINESS_DATE, acting_user=None)
    analyst = user_create(username="analis-a", password=PASSWORD)
    office_staff_assign(office=office_a, user=analyst, role=OfficeRole.ANALYST, acting_user=None)
    return City(
        office_a=office_a,
        office_b=office_b,
        coop_a=coop_a,
        coop_b=coop_b,
        teller_a=_staff(coop_a, "teller-a", CooperativeRole.TELLER),
        auditor_a=_staff(coop_a, "pengawas-a", CooperativeRole.SUPERVISORY_BOARD),
        accountant_a=_staff(coop_a, "akuntan-a", CooperativeRole.ACCOUNTANT),
        manager_a=_staff(coop_a, "manajer-a", CooperativeRole.MANAGER),
        teller_b=_staff(coop_b, "teller-b", CooperativeRole.TELLER),
        analyst_a=analyst,
    )


@pytest.fixture
def city(db: None) -> City:
    return build_city()
