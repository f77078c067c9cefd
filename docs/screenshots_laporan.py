"""Screenshots of Laporan, Tutup buku, SHU and RAT for docs/laporan-keuangan.md, and PNG pages
of the statement PDFs (pdftoppm). The year-end steps the demo cannot show (its one month of
history ends in a loss) come from the browser test: LUMBUNG_DOC_SHOTS=docs/img pytest
tests/reports/test_browser.py -m browser.

Against a served demo database (read-only here: it only opens pages and downloads files):

    LUMBUNG_VAR_DIR=/tmp/webdemo .venv/bin/lumbung migrate
    LUMBUNG_VAR_DIR=/tmp/webdemo .venv/bin/lumbung demo
    LUMBUNG_VAR_DIR=/tmp/webdemo DEBUG=true SECURE_COOKIES=false .venv/bin/lumbung serve --port 8011
    .venv/bin/python docs/screenshots_laporan.py --base-url http://127.0.0.1:8011
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import CHROMIUM_ARGS, COOPERATIVE, OUT, VIEWPORTS, log_in, shoot


def pdf_page(page: Page, url: str, name: str, resolution: int = 70) -> None:
    """Download the PDF at `url` and keep its first page as docs/img/<name>.png."""
    response = page.request.get(url)
    assert response.ok and response.body().startswith(b"%PDF"), url
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "file.pdf"
        pdf.write_bytes(response.body())
        subprocess.run(["/usr/bin/pdftoppm", "-r", str(resolution), "-png", "-f", "1",  # noqa: S603
                        "-l", "1", "-singlefile", str(pdf), str(OUT / name)], check=True)


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
            log_in(page, base, f"akuntan.{suffix_user}")
            page.goto(f"{coop}/laporan/?laporan=balance-sheet")
            shoot(page, "laporan-neraca", suffix, full_page=True)
            if suffix == "desktop":
                page.goto(f"{coop}/laporan/?laporan=surplus-statement")
                shoot(page, "laporan-phu", suffix, full_page=True)
                page.goto(f"{coop}/tutup-buku/")
                shoot(page, "laporan-tutup-buku", suffix, full_page=True)
            if suffix == "desktop":
                pdf_page(page, f"{coop}/laporan/?laporan=balance-sheet&format=pdf",
                         "laporan-neraca-pdf")
                pdf_page(page, f"{coop}/laporan/?laporan=trial-balance&format=pdf",
                         "laporan-neraca-saldo-pdf")
            context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8011")
    run(parser.parse_args().base_url.rstrip("/"))
