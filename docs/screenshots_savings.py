"""Screenshots for docs/anggota-simpanan.md (desktop), against a served demo copy:

    LUMBUNG_VAR_DIR=/tmp/webdemo DEBUG=true SECURE_COOKIES=false .venv/bin/lumbung serve --port 8011
    .venv/bin/python docs/screenshots_savings.py --base-url http://127.0.0.1:8011
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import CHROMIUM_ARGS, COOPERATIVE, OUT, log_in  # noqa: E402


def run(base: str) -> None:
    coop = f"{base}/k/{COOPERATIVE}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 800},
                                   locale="id-ID").new_page()
        log_in(page, base, "teller.sejahtera")
        page.goto(f"{coop}/anggota/")
        page.screenshot(path=OUT / "simpanan-01-anggota.png")
        page.goto(f"{coop}/anggota/baru/")
        page.screenshot(path=OUT / "simpanan-02-daftar.png", full_page=True)
        page.goto(f"{coop}/anggota/")
        page.click("table.lines tbody tr:nth-child(2) a")
        page.screenshot(path=OUT / "simpanan-03-anggota-rinci.png", full_page=True)
        page.click("table.lines tbody a[href*='/simpanan/SS-']")
        page.screenshot(path=OUT / "simpanan-04-buku.png", full_page=True)
        log_in(page, base, "manajer.sejahtera")
        page.goto(f"{coop}/simpanan/produk/")
        page.screenshot(path=OUT / "simpanan-05-produk.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8011")
    run(parser.parse_args().base_url.rstrip("/"))
