"""The member's app in Chromium on a 360 px phone: log in, watch a deposit arrive live, pay a
bill, check the receipt. Screenshots go to docs/img/ for the guide."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lumbung.portal.models import BillPayment
from lumbung.portal.services import member_pin_set
from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: F401
from tests.portal.conftest import PIN, RUPIAH, top_up
from tests.portal.test_ppob import aggregator  # noqa: F401
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, browser  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_member_logs_in_sees_a_deposit_live_pays_a_bill_and_checks_the_receipt(
        live_server, committed_db, city, saver, aggregator, browser):  # noqa: F811
    member_pin_set(cooperative=city.coop_a, member=saver, pin=PIN, acting_user=city.teller_a)
    context = browser.new_context(viewport=PHONE, locale="id-ID", service_workers="block")
    page = context.new_page()
    base = f"{live_server.url}/m/ksp-a"

    page.goto(f"{base}/masuk/")
    _fits(page)
    _shot(page, "anggota-masuk.png")
    page.fill("input[name=identifier]", str(saver.number))
    page.fill("input[name=pin]", PIN)
    page.click("button:has-text('Masuk')")
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)
    assert "Rp500.000,00" in page.inner_text("main")
    _fits(page)

    # A deposit at the counter appears on the phone without reloading, within two seconds.
    started = time.monotonic()
    top_up(city.coop_a, city.teller_a, saver, 125_000 * RUPIAH)
    page.wait_for_selector("li.item.fresh", timeout=2_000)
    arrived = time.monotonic() - started
    assert arrived < 2.0
    assert "+Rp125.000,00" in page.inner_text("#feed")
    assert "Rp625.000,00" in page.inner_text(".accounts")
    _shot(page, "anggota-beranda.png")

    page.goto(f"{base}/bayar/")
    _fits(page)
    page.select_option("select[name=product]", "pln_prepaid")
    page.fill("input[name=customer_no]", "532100012345")
    page.select_option("select[name=denomination]", str(100_000 * RUPIAH))
    page.click("button:has-text('Cek tagihan')")
    page.wait_for_selector("text=Biaya layanan")
    _shot(page, "anggota-bayar-konfirmasi.png")
    page.click("button:has-text('Bayar Rp102.500,00')")
    page.wait_for_selector(".token")
    assert BillPayment.objects.get().status == BillPayment.Status.SUCCESS
    _fits(page)
    _shot(page, "anggota-bayar-berhasil.png")

    page.click("text=Lihat bukti transaksi")
    page.wait_for_selector(".qr svg")
    _fits(page)
    _shot(page, "anggota-bukti.png")
    page.click(".receipt .mono a")
    page.wait_for_selector("text=Tercatat dan tidak berubah")
    _fits(page)
    _shot(page, "anggota-verifikasi.png")
    context.close()
