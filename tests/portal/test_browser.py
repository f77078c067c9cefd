"""The member's app in Chromium on a 360 px phone: log in, watch a deposit arrive live, pay a
bill, check the receipt. Screenshots go to docs/img/ for the guide."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from lumbung.portal.feed import open_streams
from lumbung.portal.models import BillPayment
from lumbung.portal.services import member_pin_set
from tests.portal.conftest import PIN, RUPIAH, top_up
from tests.portal.test_ppob import aggregator  # noqa: F401
from tests.web.conftest import ledger_flush_allowed  # noqa: F401
from tests.web.test_browser import browser  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
STREAM_SECONDS = 6
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.fixture
def short_streams(settings):
    """Live streams that end after a few seconds (the browser reconnects by itself), so none
    is still reading the database when the live server's tables are emptied after the test."""
    settings.LUMBUNG_FEED_STREAM_SECONDS = STREAM_SECONDS
    yield
    deadline = time.monotonic() + STREAM_SECONDS + 2
    while open_streams.count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert open_streams.count == 0


@pytest.fixture
def phone(browser, short_streams):  # noqa: F811
    """A 360 px phone; closed (ending its live stream) before the streams are waited for."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", service_workers="block")
    yield context.new_page()
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_a_member_logs_in_sees_a_deposit_live_pays_a_bill_and_checks_the_receipt(
        live_server, ledger_flush_allowed, city, saver, aggregator, phone):  # noqa: F811
    member_pin_set(cooperative=city.coop_a, member=saver, pin=PIN, acting_user=city.teller_a)
    page = phone
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
    page.wait_for_selector("[data-verdict=ok]")
    _fits(page)
    _shot(page, "anggota-verifikasi.png")


def test_a_member_simulates_and_applies_for_a_loan_then_reads_the_shu_slip(
        live_server, ledger_flush_allowed, city, saver, phone, tmp_path):  # noqa: F811
    from lumbung.loans.models import LoanApplication
    from lumbung.loans.services import loan_application_decide
    from lumbung.reports.shu import DEFAULT_SPLIT, shu_plan_approve, shu_plan_save
    from lumbung.tenancy.models import CooperativeRole
    from tests.conftest import _staff
    from tests.loans.conftest import fund, product
    from tests.reports.conftest import cr, dr, post

    fund(city.coop_a)
    member_pin_set(cooperative=city.coop_a, member=saver, pin=PIN, acting_user=city.teller_a)
    # 2025: her pokok and the interest she paid; the RAT approved the split (SHU Rp400.000).
    day = dt.date
    post(city.coop_a, day(2025, 6, 1), dr("1101", 1_000_000_00),
         cr("3101", 1_000_000_00, member_id=saver.pk, subledger_ref=f"member:{saver.pk}"))
    post(city.coop_a, day(2025, 12, 1), dr("1101", 600_000_00),
         cr("4101", 600_000_00, member_id=saver.pk))
    post(city.coop_a, day(2025, 12, 15), dr("5303", 200_000_00), cr("1101", 200_000_00))
    plan = shu_plan_save(cooperative=city.coop_a, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    shu_plan_approve(plan=plan, acting_user=_staff(city.coop_a, "pengurus-a",
                                                   CooperativeRole.BOARD))
    ktp = tmp_path / "ktp.jpg"
    ktp.write_bytes(b"\xff\xd8\xff\xe0" + bytes(2000))
    page = phone
    base = f"{live_server.url}/m/ksp-a"
    page.goto(f"{base}/masuk/")
    page.fill("input[name=identifier]", str(saver.number))
    page.fill("input[name=pin]", PIN)
    page.click("button:has-text('Masuk')")
    page.wait_for_selector("#live-status:not([hidden])", timeout=10_000)

    page.click("nav.menu >> text=Pinjaman")
    page.click("text=Simulasi dan ajukan pinjaman")
    page.select_option("select[name=product]", str(product(city.coop_a).pk))
    page.fill("input[name=amount]", "12.000.000")
    page.fill("input[name=term]", "12")
    page.click("button:has-text('Hitung')")
    page.wait_for_selector(".quote")
    assert "Rp1.180.000,00" in page.inner_text(".quote")  # flat 18 %: 1.000.000 + 180.000
    _fits(page)
    _shot(page, "anggota-pinjaman-simulasi.png")
    page.fill("input[name=purpose]", "Tambah modal warung")
    page.set_input_files("input[name=document_0]", str(ktp))
    page.click("button:has-text('Kirim pengajuan')")
    page.wait_for_selector("[data-stage=submitted]")
    application = LoanApplication.objects.get()
    assert application.member_documents.get().kind == "ktp"
    loan_application_decide(application=application, approve=True, acting_user=city.manager_a)
    page.reload()
    page.wait_for_selector("[data-stage=approved]")
    _fits(page)
    _shot(page, "anggota-pinjaman-pengajuan.png")

    page.goto(f"{base}/shu/")
    # Pool Rp400.000: jasa modal 20 % and jasa usaha 20 %, all of it hers (the only member).
    assert "Rp160.000,00" in page.inner_text("[data-year='2025']")
    _fits(page)
    _shot(page, "anggota-shu.png")

    # Cash to collect at the counter.
    page.goto(f"{base}/")
    page.click("text=Tarik tunai")
    page.fill("input[name=amount]", "200.000")
    page.click("button:has-text('Minta tarik tunai')")
    page.wait_for_selector("li.withdrawal[data-status=requested]")
    assert "Rp200.000,00" in page.inner_text(".withdrawals")
    _fits(page)
    _shot(page, "anggota-tarik-tunai.png")
