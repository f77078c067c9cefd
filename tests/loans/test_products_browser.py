"""A manager sets a loan product and the cooperative's BMPP in the system Chromium (laptop and
phone); the next application is checked against them. With LUMBUNG_SCREENSHOTS=<dir> the pages
are saved for the guide."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.loans.models import LendingLimitPolicy, LoanApplication, LoanProduct
from tests.loans.conftest import admit, fund
from tests.loans.test_quality_browser import _shot, _switch
from tests.web.conftest import ledger_flush_allowed  # noqa: F401
from tests.web.test_browser import VIEWPORTS, _fits_the_screen, _log_in, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_a_manager_sets_a_product_and_the_bmpp_in_the_browser(
    live_server, ledger_flush_allowed, city, browser, viewport  # noqa: F811
):
    coop = city.coop_a
    fund(coop, reserve_rupiah=100_000_000)
    member = admit(coop, city.teller_a, name="Siti Aminah").member
    base = f"{live_server.url}/k/{coop.code}"
    page = browser.new_context(viewport=VIEWPORTS[viewport], locale="id-ID").new_page()

    _log_in(page, live_server.url, "manajer-a")
    page.goto(f"{base}/pinjaman/")
    page.click("text=Produk & BMPP")
    page.wait_for_load_state()
    assert "Pinjaman Umum Anggota" in page.inner_text("table.products")
    _fits_the_screen(page)
    _shot(page, "pinjaman-produk", viewport)
    page.click("table.products tbody tr:has-text('pinjaman-umum') a:has-text('Ubah')")
    page.wait_for_load_state()
    _fits_the_screen(page)
    page.fill("input[name=annual_rate]", "16,5")
    page.fill("input[name=admin_fee]", "30.000")
    page.select_option("select[name=allocation_1]", "interest")
    page.select_option("select[name=allocation_2]", "penalty")
    page.select_option("select[name=rounding_unit]", "100000")
    _shot(page, "pinjaman-produk-ubah", viewport)
    page.click("button:has-text('Simpan produk')")
    page.wait_for_load_state()
    assert "disimpan" in page.inner_text("main")
    assert "bunga / margin → denda → pokok" in page.inner_text("table.products")
    umum = LoanProduct.objects.get(cooperative=coop, code="pinjaman-umum")
    assert (umum.annual_rate, umum.admin_fee, umum.allocation_order, umum.rounding_unit) == (
        Decimal("16.5"), 30_000_00, "interest,penalty,principal", 100_000)

    # Modal sendiri is a little above Rp100.000.000: 5 % of it is a little above Rp5.000.000.
    page.fill("#bmpp-form input[name=other]", "5")
    page.fill("#bmpp-form input[name=related_party]", "20")
    page.click("button:has-text('Simpan BMPP')")
    page.wait_for_load_state()
    assert "LOAN_LENDING_LIMIT_ABOVE_RULE" in page.inner_text("main")
    assert LendingLimitPolicy.objects.count() == 0
    page.fill("#bmpp-form input[name=other]", "5")
    page.fill("#bmpp-form input[name=related_party]", "3")
    page.click("button:has-text('Simpan BMPP')")
    page.wait_for_load_state()
    assert "BMPP koperasi disimpan" in page.inner_text("main")
    assert AuditEvent.objects.filter(action__in=["loans.product.updated",
                                                 "loans.lending_limit.changed"]).count() == 2

    _switch(page, live_server.url, "teller-a")
    page.goto(f"{base}/pinjaman/ajukan/")
    page.select_option("select[name=member]", str(member.pk))
    page.select_option("select[name=product]", str(umum.pk))
    page.fill("input[name=amount]", "6.000.000")
    page.fill("input[name=term]", "12")
    page.fill("input[name=purpose]", "Tambah modal warung")
    page.click("button:has-text('Ajukan')")
    page.wait_for_load_state()
    assert "LOAN_LENDING_LIMIT" in page.inner_text("main")
    assert LoanApplication.objects.count() == 0
    _fits_the_screen(page)
