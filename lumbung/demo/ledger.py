"""The demo's bookkeeping: opening balances, everyday office expenses, today's corrections."""

from __future__ import annotations

from lumbung.core.money import SEN_PER_RUPIAH
from lumbung.demo.context import DemoCooperative, rupiah
from lumbung.ledger.services import (
    LineSpec,
    journal_entry_post,
    journal_entry_reverse,
    manual_entry_submit,
)

# account to debit, account to credit, description, smallest and largest amount in Rupiah
DAILY_ACTIVITY = [
    ("5306", "1101", "Bayar listrik, air dan telepon", 150_000, 900_000),
    ("5304", "1101", "Beli perlengkapan kantor", 50_000, 400_000),
    ("5311", "1101", "Transport petugas lapangan", 25_000, 150_000),
    ("1101", "1102", "Ambil kas dari bank", 2_000_000, 10_000_000),
    ("1102", "1101", "Setor kas ke bank", 1_000_000, 8_000_000),
    ("1102", "4902", "Jasa giro / bonus giro bank", 20_000, 120_000),
]


def opening(demo: DemoCooperative) -> None:
    """The opening entry: capital, a bank loan and office equipment."""
    rng, accountant = demo.rng, demo.staff["akuntan"]
    capital = rupiah(rng, 150_000_000, 600_000_000)
    bank_loan = rupiah(rng, 50_000_000, 200_000_000)
    equipment = rupiah(rng, 20_000_000, 80_000_000)
    cash = capital // 10
    journal_entry_post(
        cooperative=demo.cooperative,
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


def office_day(demo: DemoCooperative) -> None:
    """One business day of office expenses and bank movements; salaries on the 25th."""
    cooperative, rng, accountant = demo.cooperative, demo.rng, demo.staff["akuntan"]
    for n in range(rng.randint(1, 4)):
        debit, credit, description, low, high = rng.choice(DAILY_ACTIVITY)
        amount = rupiah(rng, low, high)
        journal_entry_post(
            cooperative=cooperative,
            description=description,
            lines=[LineSpec(debit, debit=amount), LineSpec(credit, credit=amount)],
            source="demo",
            idempotency_key=f"demo:{cooperative.business_date}:{n}",
            acting_user=accountant,
        )
    if cooperative.business_date.day == 25:
        salaries = rupiah(rng, 8_000_000, 20_000_000)
        journal_entry_post(
            cooperative=cooperative,
            description="Gaji karyawan bulan ini",
            lines=[LineSpec("5303", debit=salaries), LineSpec("1102", credit=salaries)],
            source="demo",
            idempotency_key=f"demo:{cooperative.business_date}:gaji",
            acting_user=accountant,
        )


def today(demo: DemoCooperative) -> None:
    """Today: a reversed mistake, and an entry above the accountant's limit awaiting approval."""
    cooperative, accountant = demo.cooperative, demo.staff["akuntan"]
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
