"""The demo's loans part: see demo/services.py for when each function runs.

Each cooperative brings a portfolio from its earlier books (most loans current, some late, a
few macet), then takes new applications, approvals, disbursements and repayments day by day;
today leaves applications waiting for approval. Everything goes through the loans services;
the nightly ageing (loans EOD steps) gives each loan its days past due and class.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from lumbung.core.errors import LumbungError
from lumbung.demo.context import DemoCooperative, rupiah
from lumbung.ledger.models import AccountBalance
from lumbung.loans.calculations import add_months
from lumbung.loans.models import Contract, Loan, LoanProduct
from lumbung.loans.selectors import amount_due, own_capital
from lumbung.loans.services import (
    loan_application_decide,
    loan_application_submit,
    loan_disburse,
    loan_opening_balance,
    loan_repay,
)
from lumbung.members.models import Member
from lumbung.members.services import member_register
from lumbung.savings.services import counterpart_by_purpose, member_admit

FIRST_NAMES = ["Siti", "Budi", "Dewi", "Agus", "Sri", "Eko", "Rina", "Joko", "Wati", "Hadi",
               "Nur", "Yanto", "Lestari", "Slamet", "Ani", "Rahmat"]
LAST_NAMES = ["Rahayu", "Santoso", "Lestari", "Wibowo", "Handayani", "Saputra", "Kurniawati",
              "Hidayat", "Pratama", "Susanti"]
PURPOSES = ["Tambah modal warung kelontong", "Beli bahan batik cap", "Biaya sekolah anak",
            "Renovasi rumah", "Modal jualan sayur di pasar", "Beli mesin jahit",
            "Modal usaha konveksi", "Beli gerobak angkringan"]
COLLATERALS = ["BPKB sepeda motor", "Sertifikat tanah (SHM)", "BPKB mobil", ""]
# Months since disbursement (before the demo's month), instalments paid: current ones paid all
# but the one falling due during the demo's month; late by 1-2 months; macet (over 6 months).
OPENING_BOOK = [(8, 7), (5, 4), (11, 10), (3, 2), (6, 5), (9, 8), (4, 2), (7, 5), (12, 4),
                (14, 3)]
NEW_MEMBERS = 24
# Loan products each kind of cooperative uses in the demo (conventional / sharia).
OPENING_PRODUCTS = {False: ["pinjaman-umum", "pinjaman-produktif", "pinjaman-anuitas"],
                    True: ["mudharabah", "ijarah", "musyarakah"]}
NEW_PRODUCTS = {False: ["pinjaman-umum", "pinjaman-anuitas", "pinjaman-produktif"],
                True: ["murabahah", "ijarah", "qardh"]}


def _members(demo: DemoCooperative) -> list[Member]:
    """The members savings' part admitted (demo.extra["members"]) or, without it, our own."""
    members = demo.extra.get("members")
    if members:
        return [m for m in members if m.status == Member.Status.MEMBER]
    cooperative, rng, teller = demo.cooperative, demo.rng, demo.staff["teller"]
    vault = counterpart_by_purpose(cooperative, "cash")
    members = []
    for n in range(NEW_MEMBERS):
        gender = "P" if n % 2 == 0 else "L"
        born = dt.date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if gender == "P" else 0)
        nik = f"337501{day:02d}{born:%m%y}{5000 + n + 100 * cooperative.pk % 4000:04d}"
        member = member_register(
            cooperative=cooperative, nik=nik, acting_user=teller, gender=gender, birth_date=born,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            street_address=f"Jl. Sultan Agung Gg. {n + 1} No. {rng.randint(1, 60)}",
            kelurahan=cooperative.kelurahan, kecamatan=cooperative.kecamatan,
            city=cooperative.city, phone=f"0812{rng.randint(10_000_000, 99_999_999)}",
            occupation=rng.choice(["pedagang", "pembatik", "penjahit", "buruh", "petani"]),
        )
        member_admit(cooperative=cooperative, member=member, counterpart=vault,
                     acting_user=teller, idempotency_key=f"demo:loans:admit:{member.pk}")
        member.refresh_from_db()
        members.append(member)
    demo.extra["members"] = members
    return members


def _product(demo: DemoCooperative, codes: list[str]) -> LoanProduct:
    return LoanProduct.objects.get(cooperative=demo.cooperative, code=demo.rng.choice(codes))


def _amount(rng: random.Random, product: LoanProduct, high: int) -> int:
    top = min(product.max_amount // 100, high)
    low = max(product.min_amount // 100, 1_000_000 if product.contract != Contract.QARDH
              else 500_000)
    return rupiah(rng, min(low, top), top)


def opening(demo: DemoCooperative) -> None:
    """Members and the loans they already had in the cooperative's earlier books."""
    cooperative, rng = demo.cooperative, demo.rng
    members = _members(demo)
    limit = own_capital(cooperative=cooperative) * 15 // 100
    # The old books carried these loans instead of part of the bank balance: use half of it.
    bank = AccountBalance.objects.get(cooperative=cooperative, account__purpose="bank")
    limit = min(limit, (bank.debit - bank.credit) // 2 // len(OPENING_BOOK))
    for member, (months_ago, paid) in zip(members, OPENING_BOOK, strict=False):
        product = _product(demo, OPENING_PRODUCTS[cooperative.is_sharia])
        term = max(min(product.max_term, 18 if months_ago < 12 else 24), months_ago + 1)
        principal = max(min(_amount(rng, product, 20_000_000), limit), product.min_amount)
        # Spread over the month, so instalments fall due on different days.
        disbursed_on = add_months(cooperative.business_date, -months_ago) + dt.timedelta(
            days=rng.randint(0, 27))
        loan = loan_opening_balance(
            cooperative=cooperative, member=member, product=product, principal=principal,
            term_months=term, instalments_paid=paid, disbursed_on=disbursed_on,
            acting_user=demo.staff["akuntan"],
        )
        if paid < months_ago - 1:
            demo.extra.setdefault("late_loans", set()).add(loan.pk)


def day(demo: DemoCooperative) -> None:
    """Repayments of what falls due (late payers skip); now and then a new loan."""
    cooperative, rng = demo.cooperative, demo.rng
    business_date = cooperative.business_date
    teller = demo.staff["teller"]
    running = Loan.objects.filter(cooperative=cooperative, status=Loan.Status.ACTIVE) \
        .select_related("product", "member", "cooperative").order_by("pk")
    for loan in running:
        due = amount_due(loan, business_date)
        if not due or loan.pk in demo.extra.get("late_loans", ()):
            continue
        if rng.random() < 0.1:
            # Now and then someone misses a payment and stays late: the nightly ageing counts.
            demo.extra.setdefault("late_loans", set()).add(loan.pk)
            continue
        _try(loan_repay, cooperative=cooperative, loan=loan, amount=due, acting_user=teller,
             idempotency_key=f"demo:loans:repay:{loan.pk}:{business_date}")
    if rng.random() < 0.25:
        _new_loan(demo, disburse=True)


def _new_loan(demo: DemoCooperative, *, disburse: bool, approve: bool = True,
              amount_high: int = 15_000_000) -> Any:
    cooperative, rng = demo.cooperative, demo.rng
    members = [m for m in _members(demo)
               if not Loan.objects.filter(member=m, status__in=("approved", "active")).exists()]
    if not members:
        return None
    member = rng.choice(members)
    product = _product(demo, NEW_PRODUCTS[cooperative.is_sharia])
    term = rng.choice([t for t in (6, 10, 12, 18, 24) if product.min_term <= t <= product.max_term]
                      or [product.max_term])
    try:
        application = loan_application_submit(
            cooperative=cooperative, member=member, product=product,
            amount=_amount(rng, product, amount_high), term_months=term,
            purpose=rng.choice(PURPOSES), collateral=rng.choice(COLLATERALS),
            guarantor_name=f"{rng.choice(FIRST_NAMES)} {member.name.split()[-1]}",
            guarantor_relation=rng.choice(["suami", "istri", "anak", "saudara"]),
            character="Dikenal baik oleh pengurus RT, rutin menabung",
            capacity="Penghasilan cukup untuk angsuran", acting_user=demo.staff["teller"],
        )
    except LumbungError:
        return None  # above the BMPP or the product's range: the demo simply moves on
    if not approve:
        return application
    loan_application_decide(application=application, approve=True, note="Layak dibiayai",
                            acting_user=demo.staff["manajer"])
    application.refresh_from_db()
    if application.status != "approved" or not disburse:
        return application
    return loan_disburse(cooperative=cooperative, loan=application.loan,
                         acting_user=demo.staff["teller"],
                         counterpart=counterpart_by_purpose(cooperative, "bank"),
                         idempotency_key=f"demo:loans:disburse:{application.pk}")


def _try(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except LumbungError:
        return None


def today(demo: DemoCooperative) -> None:
    """Work waiting today: applications to approve, one approved loan to pay out."""
    _new_loan(demo, disburse=False, approve=False)
    _new_loan(demo, disburse=False, approve=False, amount_high=40_000_000)
    _new_loan(demo, disburse=False)
