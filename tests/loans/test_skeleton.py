"""Default products and the conventional booking (the pieces the financing app builds on)."""

from __future__ import annotations

from decimal import Decimal

from lumbung.ledger.models import SubledgerBalance
from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.loans.accounting import RepaymentSplit, booking_for
from lumbung.loans.models import Loan, LoanProduct
from lumbung.loans.services import loan_products_install
from lumbung.members.models import Member
from tests.conftest import BUSINESS_DATE, City


def test_it_installs_each_kinds_products_once(city: City) -> None:
    # Registering the cooperative installed them already.
    contracts = LoanProduct.objects.filter(cooperative=city.coop_a).values_list("contract",
                                                                              flat=True)
    assert set(contracts) == {"conventional"}
    umum = LoanProduct.objects.get(cooperative=city.coop_a, code="pinjaman-umum")
    assert umum.min_amount == 500_000_00 and umum.annual_rate == Decimal(18)
    assert umum.allocation == ("penalty", "interest", "principal")
    assert loan_products_install(cooperative=city.coop_a, acting_user=city.manager_a) == []
    LoanProduct.objects.filter(cooperative=city.coop_b, code="qardh").delete()
    assert [p.code for p in loan_products_install(cooperative=city.coop_b, acting_user=None)] == [
        "qardh"]
    sharia = LoanProduct.objects.filter(cooperative=city.coop_b)
    assert {p.contract for p in sharia} == {"murabahah", "mudharabah", "musyarakah", "ijarah",
                                            "qardh"}


def test_the_conventional_booking_balances_with_member_on_every_line(city: City) -> None:
    product = LoanProduct.objects.get(cooperative=city.coop_a, code="pinjaman-umum")
    member = Member.objects.create(cooperative=city.coop_a, number=1, status="anggota",
                                   nik="3375011501900001", name="Siti", gender="P",
                                   birth_date="1990-01-15", registered_on=BUSINESS_DATE)
    loan = Loan.objects.create(
        cooperative=city.coop_a, number=1, member=member, product=product, contract="conventional",
        method="flat", principal=10_000_000_00, annual_rate=Decimal(18), term_months=10,
        approved_on=BUSINESS_DATE, provision_fee=100_000_00, admin_fee=25_000_00,
        insurance_premium=50_000_00,
    )
    codes = account_codes_by_purpose(cooperative=city.coop_a, purposes={"cash", "loans_members"})
    booking = booking_for(loan)
    net = loan.principal - loan.fees
    lines = booking.disbursement_lines(loan, [LineSpec(codes["cash"], credit=net,
                                                       member_id=member.pk)])
    journal_entry_post(cooperative=city.coop_a, lines=lines, description="Pencairan",
                       acting_user=city.manager_a)
    split = RepaymentSplit(principal=1_000_000_00, interest=150_000_00, penalty=5_000_00,
                           credit_kept=45_000_00)
    lines = booking.repayment_lines(loan, split, [LineSpec(codes["cash"], debit=split.fresh_money,
                                                           member_id=member.pk)])
    entry = journal_entry_post(cooperative=city.coop_a, lines=lines, description="Angsuran",
                               acting_user=city.manager_a)
    assert entry.total == 1_200_000_00
    assert {line.member_id for line in entry.lines.all()} == {member.pk}
    balances = {(b.account.purpose, b.ref): b.debit - b.credit
                for b in SubledgerBalance.objects.filter(ref=loan.subledger_ref)
                .select_related("account")}
    assert balances == {("loans_members", f"loan:{loan.pk}"): 9_000_000_00,
                        ("loan_credit", f"loan:{loan.pk}"): -45_000_00}
