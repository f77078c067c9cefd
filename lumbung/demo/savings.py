"""The demo's savings part: members and their savings, every posting through the services.

Opening: members registered from their KTP and admitted (pokok, first wajib), some time
deposits and, in sharia cooperatives, mudharabah savings. Each business day: counter deposits
and withdrawals, wajib paid early in the month, now and then a new member. Interest, profit
share, billing and dormancy come from the end-of-day steps. Today: one candidate still to be
admitted and a large withdrawal waiting for the manager's approval.
"""

from __future__ import annotations

import datetime as dt
import random

from lumbung.demo.context import DemoCooperative, rupiah
from lumbung.members.models import Member
from lumbung.members.services import member_register
from lumbung.savings.models import Kind, SavingsAccount
from lumbung.savings.selectors import balances_of
from lumbung.savings.services import (
    counterpart_by_purpose,
    member_admit,
    product_of_kind,
    savings_account_open,
    savings_available,
    savings_deposit,
    savings_withdraw,
)

OPENING_MEMBERS = 30
FIRST_NAMES = {
    "L": ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hadi", "Imam", "Joko", "Rudi", "Slamet",
          "Teguh", "Wahyu", "Yusuf", "Bambang", "Ahmad"],
    "P": ["Ani", "Dewi", "Endang", "Fitri", "Indah", "Lestari", "Nur", "Ratna", "Sri", "Siti",
          "Tuti", "Wulan", "Yanti", "Kartini", "Aminah"],
}
LAST_NAMES = ["Santoso", "Wibowo", "Hidayat", "Rahmawati", "Susanti", "Pratama", "Saputra",
              "Handayani", "Kurniawan", "Maulana", "Fauziah", "Nugroho", "Setiawan", "Lestari"]
OCCUPATIONS = ["Pedagang batik", "Penjahit", "Nelayan", "Guru", "Buruh pabrik", "Petani",
               "Wiraswasta", "Perawat", "Pengrajin batik", "Pedagang pasar"]
KELURAHAN = [("Noyontaan", "Pekalongan Timur"), ("Poncol", "Pekalongan Timur"),
             ("Kergon", "Pekalongan Barat"), ("Medono", "Pekalongan Barat"),
             ("Panjang Wetan", "Pekalongan Utara"), ("Krapyak", "Pekalongan Utara"),
             ("Kuripan Kidul", "Pekalongan Selatan"), ("Sokoduwet", "Pekalongan Selatan")]
STREETS = ["Sultan Agung", "Dr. Wahidin", "Merdeka", "Imam Bonjol", "Hayam Wuruk"]
KECAMATAN_CODE = {"Pekalongan Barat": "01", "Pekalongan Timur": "02",
                  "Pekalongan Utara": "03", "Pekalongan Selatan": "04"}


def _register(demo: DemoCooperative) -> Member:
    """A calon anggota with a structurally valid NIK of Kota Pekalongan (3375)."""
    rng, cooperative = demo.rng, demo.cooperative
    serial = demo.extra["nik_serial"] = demo.extra.get("nik_serial", 0) + 1
    gender = rng.choice("LP")
    birth = dt.date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
    kelurahan, kecamatan = rng.choice(KELURAHAN)
    day = birth.day + (40 if gender == "P" else 0)
    nik = f"3375{KECAMATAN_CODE[kecamatan]}{day:02d}{birth:%m%y}{serial:04d}"
    first = rng.choice(FIRST_NAMES[gender])
    return member_register(
        cooperative=cooperative, nik=nik, name=f"{first} {rng.choice(LAST_NAMES)}",
        birth_date=birth, gender=gender, acting_user=demo.staff["teller"],
        street_address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 120)}, "
        f"RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 9):02d}",
        kelurahan=kelurahan, kecamatan=kecamatan, city="Kota Pekalongan",
        phone=f"08{rng.randint(11, 89)}{rng.randint(10_000_000, 99_999_999)}",
        occupation=rng.choice(OCCUPATIONS), heir_name=rng.choice(FIRST_NAMES["LP"[serial % 2]]),
        heir_relation=rng.choice(["suami", "istri", "anak", "orang tua"]),
    )


def _admit(demo: DemoCooperative, member: Member) -> None:
    cooperative = demo.cooperative
    admission = member_admit(
        cooperative=cooperative, member=member, counterpart=counterpart_by_purpose(
            cooperative, "cash"), acting_user=demo.staff["teller"],
        idempotency_key=f"demo:savings:admit:{member.pk}")
    voluntary = admission.accounts[2]
    savings_deposit(cooperative=cooperative, account=voluntary,
                    amount=rupiah(demo.rng, 100_000, 3_000_000), acting_user=demo.staff["teller"],
                    counterpart=counterpart_by_purpose(cooperative, "cash"),
                    idempotency_key=f"demo:savings:first:{voluntary.pk}")


def _time_deposit(demo: DemoCooperative, member: Member, kind: str, amount: int) -> None:
    cooperative = demo.cooperative
    account = savings_account_open(
        cooperative=cooperative, member=member, product=product_of_kind(cooperative, kind),
        acting_user=demo.staff["teller"], term_months=demo.rng.choice([3, 6, 12]),
        rollover=demo.rng.random() < 0.6)
    savings_deposit(cooperative=cooperative, account=account, amount=amount,
                    counterpart=counterpart_by_purpose(cooperative, "bank"),
                    acting_user=demo.staff["teller"],
                    idempotency_key=f"demo:savings:place:{account.pk}")


def opening(demo: DemoCooperative) -> None:
    """Before the first business day."""
    rng, cooperative = demo.rng, demo.cooperative
    members = [_register(demo) for _ in range(OPENING_MEMBERS)]
    for member in members:
        _admit(demo, member)
    sharia = cooperative.is_sharia
    for member in rng.sample(members, 4):
        _time_deposit(demo, member, Kind.MUDHARABAH_TIME if sharia else Kind.TIME,
                      rupiah(rng, 5_000_000, 50_000_000))
    if sharia:
        product = product_of_kind(cooperative, Kind.MUDHARABAH)
        for member in rng.sample(members, 10):
            account = savings_account_open(cooperative=cooperative, member=member,
                                           product=product, acting_user=demo.staff["teller"])
            savings_deposit(cooperative=cooperative, account=account,
                            amount=rupiah(rng, 500_000, 10_000_000),
                            counterpart=counterpart_by_purpose(cooperative, "cash"),
                            acting_user=demo.staff["teller"],
                            idempotency_key=f"demo:savings:first:{account.pk}")
    # One well-off member, so today can show a withdrawal above the teller's limit.
    savings_deposit(cooperative=cooperative, account=_voluntary(demo)[0],
                    amount=25_000_000 * 100, acting_user=demo.staff["teller"],
                    counterpart=counterpart_by_purpose(cooperative, "bank"),
                    idempotency_key="demo:savings:well-off")


def _voluntary(demo: DemoCooperative) -> list[SavingsAccount]:
    kinds = [Kind.VOLUNTARY, Kind.WADIAH, Kind.MUDHARABAH]
    return list(SavingsAccount.objects.filter(
        cooperative=demo.cooperative, product__kind__in=kinds, status__in=["open", "dormant"],
    ).select_related("product__ledger_account", "member").order_by("pk"))


def day(demo: DemoCooperative) -> None:
    """One business day at the counter (before that day's end of day)."""
    rng, cooperative, teller = demo.rng, demo.cooperative, demo.staff["teller"]
    today = cooperative.business_date
    cash = counterpart_by_purpose(cooperative, "cash")
    accounts = _voluntary(demo)
    for n, account in enumerate(rng.sample(accounts, min(len(accounts), rng.randint(3, 8)))):
        key = f"demo:savings:{today}:{n}"
        if rng.random() < 0.6:
            savings_deposit(cooperative=cooperative, account=account, counterpart=cash,
                            amount=rupiah(rng, 50_000, 2_000_000), acting_user=teller,
                            idempotency_key=key)
            continue
        available = savings_available(account)
        amount = min(rupiah(rng, 50_000, 1_500_000), available // 100_000 * 100_000)
        if amount > 0:
            savings_withdraw(cooperative=cooperative, account=account, counterpart=cash,
                             amount=amount, acting_user=teller, idempotency_key=key)
    # Wajib is paid from the member's day in the month's first ten (by account); a member who
    # does not come that day pays on their next visit. About one member in eight falls behind.
    paid = demo.extra.setdefault("wajib_paid", set())
    for account in SavingsAccount.objects.filter(
        cooperative=cooperative, product__kind=Kind.MANDATORY, status="open",
    ).select_related("product__ledger_account", "member"):
        month = f"{today:%Y%m}"
        if (account.pk, month) in paid or account.pk % 10 >= today.day:
            continue
        paid.add((account.pk, month))
        if random.Random(f"{account.pk}:{month}").random() < 0.88:
            savings_deposit(cooperative=cooperative, account=account, counterpart=cash,
                            amount=account.product.fixed_amount, acting_user=teller,
                            idempotency_key=f"demo:savings:wajib:{account.pk}:{month}")
    if rng.random() < 0.15:
        _admit(demo, _register(demo))


def today(demo: DemoCooperative) -> None:
    """Open work left for today: a candidate to admit, a withdrawal awaiting approval."""
    cooperative = demo.cooperative
    _register(demo)
    account = _voluntary(demo)[0]
    balance = balances_of([account])[account.pk]
    savings_withdraw(cooperative=cooperative, account=account,
                     amount=min(7_500_000 * 100, balance // 2),
                     counterpart=counterpart_by_purpose(cooperative, "cash"),
                     acting_user=demo.staff["teller"], idempotency_key="demo:savings:today:large",
                     description="Penarikan untuk biaya pendidikan anak")
