"""Screenshots for docs/dinas.md (desktop and phone), against a served demo copy:

    LUMBUNG_VAR_DIR=/tmp/webdemo DEBUG=true SECURE_COOKIES=false .venv/bin/lumbung serve --port 8011
    .venv/bin/python docs/screenshots_dinas.py --base-url http://127.0.0.1:8011

Read-only: it only opens pages (each cooperative detail it opens is an audited read).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import CHROMIUM_ARGS, OUT, VIEWPORTS, log_in  # noqa: E402

OFFICE = "kota-pekalongan"


def run(base: str) -> None:
    console = f"{base}/dinas/{OFFICE}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=CHROMIUM_ARGS)
        for suffix, viewport in VIEWPORTS.items():
            page = browser.new_context(viewport=viewport, locale="id-ID").new_page()
            log_in(page, base, "analis")
            page.goto(f"{console}/")
            page.screenshot(path=OUT / f"dinas-konsolidasi-{suffix}.png", full_page=True)
            page.goto(f"{console}/register/")
            page.screenshot(path=OUT / f"dinas-register-{suffix}.png")
            page.goto(f"{console}/program/")
            page.screenshot(path=OUT / f"dinas-program-{suffix}.png", full_page=True)
            page.goto(f"{console}/kesehatan/")
            page.click("a:has-text('penilaian pemeriksa')")
            page.wait_for_load_state()
            page.screenshot(path=OUT / f"dinas-kesehatan-{suffix}.png", full_page=True)
            page.goto(f"{console}/peringatan/")
            page.screenshot(path=OUT / f"dinas-peringatan-{suffix}.png")
            page.context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8011")
    run(parser.parse_args().base_url.rstrip("/"))
