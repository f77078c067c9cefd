"""The demo city (Kota Pekalongan), built only through the services, deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from lumbung.batch.services import eod_run
from lumbung.core.money import SEN_PER_RUPIAH
from lumbung.ledger.services import (
    LineSpec,
    journal_entry_post,
    journal_entry_reverse,
    manual_entry_submit,
)
from lumbung.tenancy.models import Cooperative, CooperativeRole, OfficeRole, User
from lumbung.tenancy.services import (
    cooperative_register,
    office_register,
    office_staff_assign,
    staff_assign,
    user_create,
)

DEMO_PASSWORD = "lumbung-demo"  # noqa: S105 - printed for the demo on purpose
HISTORY_DAYS = 30

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
# account to debit, account to credit, description, smallest and largest amount in Rupiah
DAILY_ACTIVITY = [
    ("5306", "1101", "Bayar listrik, air dan telepon", 150_000, 900_000),
    ("5304", "1101", "Beli perlengkapan kantor", 50_000, 400_000),
    ("5311", "1101", "Transport petugas lapangan", 25_000, 150_000),
    ("1101", "1102", "Ambil kas dari bank", 2_000_000, 10_000_000),
    ("1102", "1101", "Setor kas ke bank", 1_000_000, 8_000_000),
    ("1102", "4902", "Jasa giro / bonus giro bank", 20_000, 120_000),
]


@dataclass
class DemoLogin:
    username: str
    role: str
    where: str


def _rupiah(rng: random.Random, low: int, high: int) -> int:
    """A round amount (to Rp1.000) between low and high Rupiah, in sen."""
    return rng.randint(low // 1000, high // 1000) * 1000 * SEN_PER_RUPIAH


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


def demo_build(*, cooperatives: int = 5, seed: int = 2026, today: dt.date | None = None
               ) -> list[DemoLogin]:
    """Build the demo city; return the logins to print."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=HISTORY_DAYS)
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
        _build_history(cooperative, staff, rng, today)
    return logins


def _build_history(cooperative: Cooperative, staff: dict[str, User], rng: random.Random,
                   today: dt.date) -> None:
    accountant = staff["akuntan"]
    capital = _rupiah(rng, 150_000_000, 600_000_000)
    bank_loan = _rupiah(rng, 50_000_000, 200_000_000)
    equipment = _rupiah(rng, 20_000_000, 80_000_000)
    cash = capital // 10
    journal_entry_post(
        cooperative=cooperative,
        description="Saldo awal pembukaan buku",
        lines=[
            LineSpec("1101", debit=cash),
            LineSpec("1102", debit=capital + bank_loan - cash - equipment),
            LineSpec("1304", debit=equipment),
            LineSpec("3103", credit=capital // 2),
            LineSpec("3201", credit=capital - capital // 2),
            LineSpec("2201", credit=bank_loan),
        ],
        source="demo",
        idempotency_key="demo:opening",
        acting_user=accountant,
    )
    while cooperative.business_date < today:
        for n in range(rng.randint(1, 4)):
            debit, credit, description, low, high = rng.choice(DAILY_ACTIVITY)
            amount = _rupiah(rng, low, high)
            journal_entry_post(
                cooperative=cooperative,
                description=description,
                lines=[LineSpec(debit, debit=amount), LineSpec(credit, credit=amount)],
                source="demo",
                idempotency_key=f"demo:{cooperative.business_date}:{n}",
                acting_user=accountant,
            )
        if cooperative.business_date.day == 25:
            salaries = _rupiah(rng, 8_000_000, 20_000_000)
            journal_entry_post(
                cooperative=cooperative,
                description="Gaji karyawan bulan ini",
                lines=[LineSpec("5303", debit=salaries), LineSpec("1102", credit=salaries)],
                source="demo",
                idempotency_key=f"demo:{cooperative.business_date}:gaji",
                acting_user=accountant,
            )
        eod_run(cooperatives=[cooperative], until=cooperative.business_date, acting_user=None)
    # Today: one entry in the books, and one above the accountant's limit waiting for the manager.
    mistake = journal_entry_post(
        cooperative=cooperative,
        description="Bayar sewa kantor (salah akun)",
        lines=[LineSpec("5314", debit=2_500_000 * SEN_PER_RUPIAH),
               LineSpec("1101", credit=2_500_000 * SEN_PER_RUPIAH)],
        source="demo",
        idempotency_key="demo:today:rent",
        acting_user=accountant,
    )
    journal_entry_reverse(entry=mistake, idempotency_key="demo:today:rent:reversal",
                          acting_user=accountant)
    manual_entry_submit(
        cooperative=cooperative,
        description="Pembelian kendaraan operasional",
        lines=[LineSpec("1303", debit=45_000_000 * SEN_PER_RUPIAH),
               LineSpec("1102", credit=45_000_000 * SEN_PER_RUPIAH)],
        acting_user=accountant,
    )
