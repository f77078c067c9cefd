"""Screenshots of the staff screens for docs/panduan-staf.md, desktop and phone.

Runs against a served demo database (it posts one small entry and one entry that waits for
approval, so run it on a demo copy, never on real books):

    LUMBUNG_VAR_DIR=/tmp/webdemo .venv/bin/lumbung migrate
    LUMBUNG_VAR_DIR=/tmp/webdemo .venv/bin/lumbung demo
    LUMBUNG_VAR_DIR=/tmp/webdemo DEBUG=true SECURE_COOKIES=false .venv/bin/lumbung serve --port 8011
    .venv/bin/python docs/screenshots.py --base-url http://127.0.0.1:8011
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "lumbung-demo"  # noqa: S105 - the demo city's published password
COOPERATIVE = "ksp-sejahtera"
OUT = Path(__file__).parent / "img"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=id-ID",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "ponsel": {"width": 390, "height": 844}}


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def shoot(page: Page, name: str, suffix: str, full_page: bool = False) -> None:
    page.screenshot(path=OUT / f"{name}-{suffix}.png", full_page=full_page)


def fill_entry(page: Page, amount: str, description: str) -> None:
    page.fill("input[name=description]", description)
    page.select_option("select[name=line-0-account]", "5304")
    page.fill("input[name=line-0-debit]", amount)
    page.select_option("select[name=line-1-account]", "1101")
    page.fill("input[name=line-1-credit]", amount)


def run(base: str) -> None:
    OUT.mkdir(exist_ok=True)
    coop = f"{base}/k/{COOPERATIVE}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for suffix, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, locale="id-ID")  # type: ignore[arg-type]
            page = context.new_page()
            page.goto(f"{base}/masuk/")
            shoot(page, "01-masuk", suffix)

            log_in(page, base, "analis")
            shoot(page, "02-beranda-dinas", suffix)

            log_in(page, base, f"akuntan.{COOPERATIVE.split('-', 1)[1]}")
            page.goto(f"{coop}/akun/")
            shoot(page, "03-bagan-akun", suffix)

            page.goto(f"{coop}/jurnal/baru/")
            fill_entry(page, "125.000", "Beli kertas dan tinta printer")
            shoot(page, "04-jurnal-manual", suffix, full_page=True)
            page.click("button.primary-action")
            page.wait_for_load_state()
            shoot(page, "05-rincian-jurnal", suffix, full_page=True)

            page.goto(f"{coop}/jurnal/")
            shoot(page, "06-daftar-jurnal", suffix)

            page.goto(f"{coop}/jurnal/baru/")
            fill_entry(page, "12.500.000", "Pembelian komputer kantor")
            page.click("button.primary-action")
            page.wait_for_load_state()
            shoot(page, "07-menunggu-persetujuan", suffix)

            page.goto(f"{coop}/neraca-saldo/")
            shoot(page, "08-neraca-saldo", suffix)

            log_in(page, base, "analis")
            page.goto(f"{coop}/jurnal/")
            shoot(page, "09-dinas-baca-saja", suffix)
            context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8011")
    run(parser.parse_args().base_url.rstrip("/"))
