"""A loan from application to repayment in the system Chromium, and the public simulation on a
phone."""

from __future__ import annotations

from lumbung.ledger.models import JournalEntry
from lumbung.loans.models import Loan, LoanRepayment
from tests.loans.conftest import admit, fund, product
from tests.web.conftest import ledger_flush_allowed  # noqa: F401
from tests.web.test_browser import (  # noqa: F401
    VIEWPORTS,
    _fits_the_screen,
    _log_in,
    browser,
    pytestmark,
)


def test_a_loan_from_application_to_repayment(live_server, ledger_flush_allowed, city,  # noqa: F811
                                              browser):  # noqa: F811
    fund(city.coop_a)
    member = admit(city.coop_a, city.teller_a, name="Siti Aminah").member
    base, coop = live_server.url, f"{live_server.url}/k/{city.coop_a.code}"
    page = browser.new_context(viewport=VIEWPORTS["laptop"], locale="id-ID").new_page()

    _log_in(page, base, "teller-a")
    page.goto(f"{coop}/pinjaman/ajukan/")
    page.select_option("select[name=member]", str(member.pk))
    page.select_option("select[name=product]", str(product(city.coop_a).pk))  # flat 18%
    page.fill("input[name=amount]", "10.000.000")
    page.fill("input[name=term]", "10")
    page.fill("input[name=purpose]", "Tambah modal warung")
    page.fill("input[name=collateral]", "BPKB sepeda motor")
    page.fill("textarea[name=character]", "Rajin menabung")
    page.click("button:has-text('Ajukan')")
    page.wait_for_load_state()
    assert "menunggu persetujuan" in page.inner_text("main")
    assert "Batalkan pengajuan" in page.inner_text("main")  # the maker may only withdraw

    page.context.clear_cookies()
    _log_in(page, base, "manajer-a")
    page.goto(f"{coop}/pinjaman/pengajuan/")
    assert "dalam batas" in page.inner_text("main")
    page.click("button:has-text('Setujui')")
    page.wait_for_load_state()
    assert "PJ-000001" in page.inner_text("h1")

    page.context.clear_cookies()
    _log_in(page, base, "teller-a")
    page.goto(f"{coop}/pinjaman/")
    page.click("text=PJ-000001")
    page.click("button:has-text('Cairkan')")
    page.wait_for_load_state()
    assert "Rp10.000.000,00" in page.inner_text(".loan-card")
    page.fill("#repay-form input[name=amount]", "1.150.000")
    page.click("button:has-text('Simpan pembayaran')")
    page.wait_for_load_state()
    assert "Rp9.000.000,00" in page.inner_text(".loan-card")
    loan = Loan.objects.get()
    assert loan.status == "active" and LoanRepayment.objects.get().principal == 1_000_000_00
    assert JournalEntry.objects.filter(source="loans").count() == 2


def test_the_simulation_on_a_phone(live_server, browser):  # noqa: F811
    page = browser.new_context(viewport=VIEWPORTS["phone"], locale="id-ID").new_page()
    page.goto(f"{live_server.url}/simulasi-pinjaman/")
    page.fill("input[name=jumlah]", "12.000.000")
    page.fill("input[name=bunga]", "12")
    page.fill("input[name=bulan]", "12")
    page.select_option("select[name=metode]", "annuity")
    page.click("button:has-text('Hitung')")
    page.wait_for_load_state()
    assert "Rp1.066.185,00" in page.inner_text("main")
    _fits_the_screen(page)
