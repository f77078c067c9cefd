"""Screenshots of the Pinjaman screens for docs/pinjaman.md, desktop and phone.

Against a served demo database (read-only here, except one application form left unsent):

    LUMBUNG_VAR_DIR=/tmp/webdemo .venv/bin/lumbung migrate
    LUMBUNG_VAR_DIR=/tmp/webdemo .venv/bin/lumbung demo
    LUMBUNG_VAR_DIR=/tmp/webdemo DEBUG=true SECURE_COOKIES=false .venv/bin/lumbung serve --port 8011
    .venv/bin/python docs/screenshots_pinjaman.py --base-url http://127.0.0.1:8011
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import CHROMIUM_ARGS, COOPERATIVE, VIEWPORTS, log_in, shoot


def run(base: str) -> None:
    coop = f"{base}/k/{COOPERATIVE}"
    suffix_user = COOPERATIVE.split("-", 1)[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for suffix, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, locale="id-ID")  # type: ignore[arg-type]
            page = context.new_page()
            page.goto(f"{base}/simulasi-pinjaman/?jumlah=10.000.000&bunga=18&bulan=12"
                      "&metode=annuity")
            shoot(page, "pinjaman-simulasi", suffix, full_page=True)
            log_in(page, base, f"manajer.{suffix_user}")
            page.goto(f"{coop}/pinjaman/")
            shoot(page, "pinjaman-daftar", suffix)
            page.goto(f"{coop}/pinjaman/pengajuan/")
            shoot(page, "pinjaman-persetujuan", suffix, full_page=True)
            page.goto(f"{coop}/pinjaman/portofolio/")
            shoot(page, "pinjaman-portofolio", suffix, full_page=True)
            page.goto(f"{coop}/pinjaman/tunggakan/")
            shoot(page, "pinjaman-tunggakan", suffix)
            page.goto(f"{coop}/pinjaman/produk/")
            shoot(page, "pinjaman-produk", suffix, full_page=True)
            page.click("table.products tbody tr:nth-child(1) a:has-text('Ubah')")
            page.wait_for_load_state()
            shoot(page, "pinjaman-produk-ubah", suffix, full_page=True)
            page.goto(f"{coop}/pinjaman/")
            page.click("table.loans tbody tr:nth-child(4) a")
            page.wait_for_load_state()
            shoot(page, "pinjaman-kartu", suffix, full_page=True)
            log_in(page, base, f"teller.{suffix_user}")
            page.goto(f"{coop}/pinjaman/ajukan/")
            shoot(page, "pinjaman-pengajuan", suffix, full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8011")
    run(parser.parse_args().base_url.rstrip("/"))
