"""The staff screens in the system Chromium, on a laptop and on a phone."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from lumbung.ledger.models import ApprovalRequest, JournalEntry
from tests.conftest import PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Playwright's sync API keeps an event loop running in this thread for as long as the
    # browser is open; the ORM calls of the tests (and the database flush after each) are
    # still plain synchronous code, so Django's async guard is lifted for that long.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    _fits_the_screen(page)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Masuk')")
    page.wait_for_load_state()


def _fill_entry(page, description: str, amount: str) -> None:
    page.fill("input[name=description]", description)
    page.select_option("select[name=line-0-account]", "1102")
    page.fill("input[name=line-0-debit]", amount)
    page.select_option("select[name=line-1-account]", "2201")
    page.fill("input[name=line-1-credit]", amount)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_posts_approves_and_balances_through_the_browser(
    live_server, ledger_flush_allowed, city, browser, viewport
):
    base = live_server.url
    coop = f"{base}/k/{city.coop_a.code}"
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="id-ID")
    page = context.new_page()

    _log_in(page, base, "akuntan-a")
    assert page.url == f"{coop}/jurnal/"
    assert "Tanggal usaha: 20 November 2026" in page.inner_text("header")

    page.goto(f"{coop}/jurnal/baru/")
    _fits_the_screen(page)
    page.click("#add-row")
    assert page.locator("fieldset.line").count() == 7
    _fill_entry(page, "Pinjaman bank kecil", "1.500.000,25")
    page.click("button:has-text('Posting jurnal')")
    page.wait_for_load_state()
    entry = JournalEntry.objects.get(cooperative=city.coop_a)
    assert entry.total == 1_500_000_25
    assert page.url == f"{coop}/jurnal/{entry.number}/"
    assert page.inner_text("[data-testid=entry-hash]") == entry.hash
    assert page.inner_text("[data-testid=prev-hash]") == entry.prev_hash
    _fits_the_screen(page)

    page.goto(f"{coop}/jurnal/")
    assert "Pinjaman bank kecil" in page.inner_text("main")
    assert "Rp1.500.000,25" in page.inner_text("main")
    _fits_the_screen(page)

    page.goto(f"{coop}/jurnal/baru/")
    _fill_entry(page, "Pinjaman bank besar", "25.000.000")
    page.click("button:has-text('Posting jurnal')")
    page.wait_for_load_state()
    assert page.url == f"{coop}/persetujuan/"
    assert "menunggu persetujuan" in page.inner_text("main")
    assert "Ini permintaan Anda sendiri" in page.inner_text("main")
    _fits_the_screen(page)

    page.click("button:has-text('Keluar')")
    page.wait_for_load_state()
    _log_in(page, base, "manajer-a")
    page.goto(f"{coop}/persetujuan/")
    assert "Pinjaman bank besar" in page.inner_text("main")
    page.click("button:has-text('Setujui')")
    page.wait_for_load_state()
    approved = JournalEntry.objects.get(cooperative=city.coop_a, number=2)
    assert (approved.total, approved.approved_by_id) == (25_000_000_00, city.manager_a.pk)
    assert ApprovalRequest.objects.get().status == "approved"
    assert page.url == f"{coop}/jurnal/2/"
    assert "Manajer-A" in page.inner_text("main")

    page.goto(f"{coop}/neraca-saldo/")
    assert page.inner_text("[data-testid=total-debit]") == "Rp26.500.000,25"
    assert page.inner_text("[data-testid=total-credit]") == "Rp26.500.000,25"
    assert "Seimbang" in page.inner_text("main")
    _fits_the_screen(page)

    page.goto(f"{coop}/akun/")
    _fits_the_screen(page)
    context.close()
