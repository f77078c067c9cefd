"""Loan quality screens in the system Chromium: policy, a macet loan written off by two people,
a recovery at the counter. With LUMBUNG_SCREENSHOTS=<dir> the pages are saved for the guide."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from lumbung.loans import portfolio
from lumbung.loans.models import Loan
from lumbung.loans.models_quality import LoanRecovery
from tests.conftest import BUSINESS_DATE
from tests.loans.financing_helpers import make_loan, pay_instalment
from tests.web.conftest import ledger_flush_allowed  # noqa: F401
from tests.web.test_browser import VIEWPORTS, _fits_the_screen, _log_in, browser  # noqa: F401

pytestmark = pytest.mark.browser
RP = 100


def _switch(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    _log_in(page, base, username)


def _shot(page, name: str, viewport: str) -> None:
    folder = os.environ.get("LUMBUNG_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"{name}-{viewport}.png", full_page=True)


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_a_macet_loan_is_written_off_and_recovered_in_the_browser(
    live_server, ledger_flush_allowed, city, browser, viewport  # noqa: F811
):
    coop = city.coop_a
    late = make_loan(coop, principal=12_000_000 * RP, start=dt.date(2026, 6, 20))
    pay_instalment(late, 1)
    pay_instalment(late, 2)
    make_loan(coop, principal=5_000_000 * RP, start=dt.date(2026, 11, 1))
    bad = make_loan(coop, principal=6_000_000 * RP, start=dt.date(2025, 11, 20))
    portfolio.loans_age(cooperative=coop, as_of=BUSINESS_DATE)
    portfolio.provision_adjust(cooperative=coop, as_of=BUSINESS_DATE, acting_user=None)
    base = f"{live_server.url}/k/{coop.code}"
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="id-ID")
    page = context.new_page()

    _log_in(page, live_server.url, "manajer-a")
    page.goto(f"{base}/pinjaman/kebijakan-kolektibilitas/")
    assert "Bukan ketentuan resmi." in page.inner_text("#policy-notice")
    _fits_the_screen(page)
    _shot(page, "kualitas-01-kebijakan", viewport)

    _switch(page, live_server.url, "akuntan-a")
    page.goto(f"{base}/pinjaman/{bad.pk}/kualitas/")
    assert "Macet" in page.inner_text("#quality-facts")
    assert "335" in page.inner_text("#quality-facts")
    _fits_the_screen(page)
    page.fill("#write-off-form input[name=reason]", "Usaha tutup, anggota pindah kota")
    page.click("#write-off-form button[type=submit]")
    page.wait_for_load_state()
    assert "menunggu persetujuan" in page.inner_text("main").lower()
    _shot(page, "kualitas-02-pinjaman-macet", viewport)

    _switch(page, live_server.url, "manajer-a")
    page.goto(f"{base}/persetujuan/")
    page.click("button:has-text('Setujui')")
    page.wait_for_load_state()
    assert Loan.objects.get(pk=bad.pk).status == Loan.Status.WRITTEN_OFF

    _switch(page, live_server.url, "teller-a")
    page.goto(f"{base}/pinjaman/hapus-buku/")
    page.fill("#write-offs input[name=amount]", "500.000")
    page.click("#write-offs button[type=submit]")
    page.wait_for_load_state()
    assert LoanRecovery.objects.get().amount == 500_000 * RP
    assert "Rp500.000,00" in page.inner_text("#write-offs")
    _fits_the_screen(page)
    _shot(page, "kualitas-03-hapus-buku", viewport)
    context.close()
