"""The demo city (Kota Pekalongan), built only through the services, deterministic for a seed.

For each cooperative: register it and its staff, then live through HISTORY_MONTHS months of
business days, then today's open work. Every day ends with the end of day (accruals, billing,
ageing, checkpoints); members come to the office every day of the last DAILY_DAYS days and,
before that, on the weekly market day (Monday), which keeps a year of history quick to build.
Each domain's part of a day is in its own module here (ledger.py, ...), called in the order
below.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from lumbung.batch.services import eod_run
from lumbung.demo import ledger, loans, portal, reports, savings, supervision, teller
from lumbung.demo.context import DemoCooperative
from lumbung.savings.calculations import add_months
from lumbung.tenancy.models import CooperativeRole, OfficeRole, User
from lumbung.tenancy.services import (
    cooperative_register,
    office_register,
    office_staff_assign,
    staff_assign,
    user_create,
)

DEMO_PASSWORD = "lumbung-demo"  # noqa: S105 - printed for the demo on purpose
HISTORY_MONTHS = 12
DAILY_DAYS = 14
MARKET_DAY = 0  # Monday

# code, name, kind, kecamatan, kelurahan, region label
NAMED_COOPERATIVES = [
    ("ksp-sejahtera", "KSP Sejahtera Bersama", "KSP", "Pekalongan Timur", "Noyontaan", "Timur"),
    ("kspps-berkah", "KSPPS Berkah Mandiri", "KSPPS", "Pekalongan Barat", "Podosugih", "Barat"),
    ("bmt-alamanah", "BMT Al-Amanah", "BMT", "Pekalongan Utara", "Panjang Wetan", "Utara"),
    ("ksp-batik", "KSP Batik Makmur", "KSP", "Pekalongan Selatan", "Kuripan Kidul", "Selatan"),
    ("kspps-pesisir", "KSPPS Pesisir Sejahtera", "KSPPS", "Pekalongan Utara", "Krapyak", "Utara"),
]
KECAMATAN = ["Pekalongan Barat", "Pekalongan Timur", "Pekalongan Utara", "Pekalongan Selatan"]
KELURAHAN = ["Kergon", "Poncol", "Medono", "Bendan", "Kraton Lor", "Sapuro", "Kauman", "Klego"]
@dataclass
class DemoLogin:
    username: str
    role: str
    where: str


def _cooperative_rows(count: int, rng: random.Random) -> list[tuple[str, ...]]:
    rows = [tuple(row) for row in NAMED_COOPERATIVES[:count]]
    kinds = ["KSP", "KSPPS", "BMT"]
    for n in range(len(rows) + 1, count + 1):
        kind = kinds[n % 3]
        kecamatan = KECAMATAN[n % 4]
        rows.append((
            f"{kind.lower()}-{n:03d}", f"{kind} Demo {n:03d}", kind, kecamatan,
            rng.choice(KELURAHAN), kecamatan.split()[-1],
        ))
    return rows


def demo_build(*, cooperatives: int = 5, seed: int = 2026, today: dt.date | None = None,
               months: int = HISTORY_MONTHS, progress: Callable[[str], None] | None = None
               ) -> list[DemoLogin]:
    """Build the demo city with `months` months of history; return the logins to print.
    `progress` hears the name of each cooperative as its history starts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    start = add_months(today, -months)
    logins: list[DemoLogin] = []

    office = office_register(
        code="kota-pekalongan",
        name="Dinas Perdagangan, Koperasi dan UKM Kota Pekalongan",
        jurisdiction="Kota Pekalongan",
        province="Jawa Tengah",
        address="Jl. Mataram No. 1, Pekalongan",
        acting_user=None,
    )
    analyst = user_create(username="analis", password=DEMO_PASSWORD, full_name="Rina Analis Dinas")
    office_staff_assign(office=office, user=analyst, role=OfficeRole.ANALYST, acting_user=None)
    facilitator = user_create(username="pendamping", password=DEMO_PASSWORD,
                              full_name="Budi Pendamping")
    office_staff_assign(office=office, user=facilitator, role=OfficeRole.FACILITATOR,
                        acting_user=None)
    logins += [DemoLogin("analis", "Analis Dinas", office.name),
               DemoLogin("pendamping", "Pendamping Dinas", office.name)]

    for index, (code, name, kind, kecamatan, kelurahan, region) in enumerate(
        _cooperative_rows(cooperatives, rng), start=1
    ):
        cooperative = cooperative_register(
            office=office, code=code, name=name, kind=kind, business_date=start,
            legal_entity_number=f"{100 + index}/BH/XIV.10/{2000 + index % 20}",
            legal_entity_date=dt.date(2000 + index % 20, 1 + index % 12, 1 + index % 27),
            street_address=f"Jl. Hayam Wuruk No. {index * 7}",
            kelurahan=kelurahan, kecamatan=kecamatan, region_label=region,
            acting_user=None,
        )
        suffix = code.split("-", 1)[1]
        staff: dict[str, User] = {}
        for role, label in [(CooperativeRole.MANAGER, "manajer"),
                            (CooperativeRole.ACCOUNTANT, "akuntan"),
                            (CooperativeRole.TELLER, "teller")]:
            username = f"{label}.{suffix}"
            user = user_create(username=username, password=DEMO_PASSWORD,
                               full_name=f"{label.title()} {name}")
            staff_assign(cooperative=cooperative, user=user, role=role, acting_user=None)
            staff[label] = user
            if index <= 3 or cooperatives <= 5:
                logins.append(DemoLogin(username, str(role.label), name))
        if progress:
            progress(name)
        _build_history(DemoCooperative(cooperative=cooperative, staff=staff, rng=rng, today=today))
    supervision.build(office=office, rng=rng, today=today)
    return logins


def _build_history(demo: DemoCooperative) -> None:
    cooperative = demo.cooperative
    ledger.opening(demo)
    savings.opening(demo)
    teller.opening(demo)
    loans.opening(demo)
    while cooperative.business_date < demo.today:
        day = cooperative.business_date
        if (demo.today - day).days <= DAILY_DAYS or day.weekday() == MARKET_DAY:
            ledger.office_day(demo)
            savings.day(demo)
            teller.day(demo)
            loans.day(demo)
        eod_run(cooperatives=[cooperative], until=cooperative.business_date, acting_user=None)
    ledger.today(demo)
    savings.today(demo)
    teller.today(demo)
    loans.today(demo)
    reports.today(demo)
    portal.today(demo)
