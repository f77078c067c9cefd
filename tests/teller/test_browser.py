"""A teller's full day in Chromium: open the drawer, admit a member, deposit, withdraw above
the limit (the manager approves), print the receipt, close the drawer with a difference.

With KASIR_SCREENSHOTS=<dir> the test also saves the screenshots of docs/kasir.md there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lumbung.ledger.verify import verify_cooperative
from lumbung.teller.models import CounterTransaction, DrawerSession
from lumbung.teller.selectors import drawer_balance
from lumbung.teller.services import drawer_create
from tests.teller.conftest import fund, register_member
from tests.web.test_browser import _fits_the_screen, _log_in, browser  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KASIR_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _log_out(page) -> None:
    page.click("header button:has-text('Keluar')")
    page.wait_for_load_state()


def _submit(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def test_a_tellers_full_day(live_server, ledger_flush_allowed, city, browser):  # noqa: F811
    fund(city.coop_a, city.accountant_a)
    drawer = drawer_create(cooperative=city.coop_a, name="Laci 1", acting_user=city.manager_a)
    register_member(city.coop_a, city.teller_a, name="Siti Aminah")
    base = live_server.url
    kasir = f"{base}/k/ksp-a/kasir/"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()

    _log_in(page, base, "teller-a")
    page.goto(kasir)
    _shot(page, "kasir-01-buka-laci")
    page.select_option("select[name=drawer]", str(drawer.pk))
    page.fill("input[name=float]", "5.000.000")
    _submit(page, "button:has-text('Buka laci')")
    assert page.inner_text("[data-testid=drawer-cash]") == "Rp5.000.000,00"

    # Admit the calon anggota: the simpanan pokok goes into the drawer.
    page.fill("input[name=q]", "Siti")
    _submit(page, "button:has-text('Cari')")
    _shot(page, "kasir-02-cari-calon")
    _submit(page, "button:has-text('Terima simpanan pokok')")
    assert "Bukti Setoran Simpanan Pokok" in page.inner_text("main")
    admission = CounterTransaction.objects.get(kind="admission")

    # Find her by member number, deposit Rp8.000.000 into her sukarela account.
    page.goto(f"{kasir}?q=1")
    _fits_the_screen(page)
    row = page.locator(".account-row", has_text="Simpanan Sukarela")
    row.locator("input[name=amount]").first.fill("8.000.000")
    _shot(page, "kasir-03-setor")
    row.locator("button:has-text('Setor tunai')").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Bukti Setoran Tunai" in main and "Rp8.000.000,00" in main
    assert "Delapan juta rupiah" in main
    _shot(page, "kasir-04-bukti")
    pdf = page.request.get(base + page.get_attribute("[data-paper=a6]", "href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    # The QR's page, as the member would open it.
    page.goto(page.get_attribute("[data-testid=verify-link]", "href"))
    assert "Asli dan utuh." in page.inner_text("main")
    _shot(page, "kasir-05-periksa-bukti")

    # Withdraw Rp6.000.000: above the teller's Rp5.000.000 limit, it waits.
    page.goto(f"{kasir}?q=1")
    row = page.locator(".account-row", has_text="Simpanan Sukarela")
    row.locator("input[name=amount]").nth(1).fill("6.000.000")
    row.locator("button:has-text('Tarik tunai')").click()
    page.wait_for_load_state()
    assert "menunggu persetujuan" in page.inner_text("main")
    expected = 5_000_000_00 + admission.amount + 8_000_000_00
    assert page.inner_text("[data-testid=free-cash]").startswith("Rp7.")
    _shot(page, "kasir-06-menunggu")
    _log_out(page)

    _log_in(page, base, "manajer-a")
    page.goto(f"{base}/k/ksp-a/persetujuan/")
    assert "Rp6.000.000,00" in page.inner_text("main")
    _submit(page, "button:has-text('Setujui')")
    page.goto(f"{kasir}laci/")
    assert "Laci 1" in page.inner_text("main")
    _log_out(page)

    # Back at the counter: the withdrawal is posted out of this drawer; print its receipt.
    _log_in(page, base, "teller-a")
    page.goto(kasir)
    expected -= 6_000_000_00
    assert drawer_balance(drawer=drawer) == expected
    page.locator("tr[data-kind=withdrawal] a:has-text('Cetak')").click()
    page.wait_for_load_state()
    assert "Bukti Penarikan Tunai" in page.inner_text("main")
    assert "Manajer-A" in page.inner_text("main")
    pdf = page.request.get(base + page.get_attribute("[data-paper='80mm']", "href"))
    assert pdf.body().startswith(b"%PDF")

    # Close: one Rp100.000 note short of the book balance.
    page.goto(f"{kasir}tutup/")
    notes, rest = divmod(expected, 100_000_00)
    page.fill("input[name=k100000]", str(notes - 1))
    if rest:
        page.fill("input[name=k50000]", str(rest // 50_000_00))
    assert page.inner_text("#difference") == "-Rp100.000"
    _shot(page, "kasir-07-tutup")
    _submit(page, "button:has-text('Tutup laci')")
    assert "kurang" in page.inner_text("[data-testid=difference]")
    _fits_the_screen(page)
    _log_out(page)

    _log_in(page, base, "manajer-a")
    page.goto(f"{kasir}laci/")
    assert page.inner_text("[data-testid=flag]") == "-Rp100.000,00"
    _shot(page, "kasir-08-laci-manajer")
    session = DrawerSession.objects.get()
    assert (session.status, session.difference) == ("closed", -100_000_00)
    assert verify_cooperative(city.coop_a).ok
    context.close()


def test_the_verification_page_fits_a_phone(live_server, ledger_flush_allowed, city,
                                            counter, browser):  # noqa: F811
    from lumbung.teller.receipts import verification_path
    from lumbung.teller.services import drawer_session_open

    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=1_000_000_00, acting_user=city.teller_a)
    entry = session.transactions.get().entry
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.goto(live_server.url + verification_path("ksp-a", entry.number, entry.hash))
    assert "Asli dan utuh." in page.inner_text("main")
    _fits_the_screen(page)
    _shot(page, "kasir-09-periksa-bukti-ponsel")
    page.goto(f"{live_server.url}/v/ksp-a/{entry.number}/{'0' * 16}/")
    assert "Bukti ini tidak dikenal." in page.inner_text("main")
    _fits_the_screen(page)
    context.close()
