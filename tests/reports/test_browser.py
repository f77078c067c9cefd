"""The accountant's year in the system Chromium: statements, a month close refused then done,
the year-end closing, SHU simulated, approved by the board and distributed, the RAT package.

With LUMBUNG_DOC_SHOTS=docs/img the run also keeps the guide's screenshots of the steps the demo
cannot show (its one month of history ends in a loss, so it has no SHU to share).
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

from lumbung.ledger.models import AccountingPeriod, SubledgerBalance
from lumbung.ledger.services import checkpoint_create
from lumbung.members.models import Member
from lumbung.reports.models import ShuPlan, YearEndClosing
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff
from tests.reports.conftest import D, build_books
from tests.web.conftest import ledger_flush_allowed  # noqa: F401
from tests.web.test_browser import (  # noqa: F401
    VIEWPORTS,
    _fits_the_screen,
    _log_in,
    browser,
    pytestmark,
)


def _shot(page, name: str) -> None:
    folder = os.environ.get("LUMBUNG_DOC_SHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def _pdf_shot(page, url: str, name: str) -> None:
    folder = os.environ.get("LUMBUNG_DOC_SHOTS")
    if folder:
        pdf = Path(folder) / f"{name}.pdf"
        pdf.write_bytes(page.request.get(url).body())
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(pdf),
                        str(Path(folder) / name)], check=True)
        pdf.unlink()


def _click(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def test_the_accountants_year_end(live_server, ledger_flush_allowed, city,  # noqa: F811
                                  browser):  # noqa: F811
    for pk, name in ((1, "Siti Aminah"), (2, "Budi Santoso")):  # the books' members 1 and 2
        Member.objects.create(pk=pk, cooperative=city.coop_a, number=pk, name=name,
                              status=Member.Status.MEMBER, nik=f"337501570885000{pk}",
                              birth_date=D(1985, 8, 17), gender="P" if pk == 1 else "L",
                              registered_on=D(2025, 6, 1), joined_on=D(2025, 6, 1))
    coop_a = build_books(city.coop_a)
    _staff(coop_a, "pengurus-a", CooperativeRole.BOARD)
    base, coop = live_server.url, f"{live_server.url}/k/{coop_a.code}"
    page = browser.new_context(viewport=VIEWPORTS["laptop"], locale="id-ID",
                               accept_downloads=True).new_page()
    _log_in(page, base, "akuntan-a")

    # Statements: the balance sheet ties out; the surplus statement shows the hand-worked SHU.
    page.goto(f"{coop}/laporan/?laporan=balance-sheet&dari=2026-01-01&sampai=2026-11-20")
    assert "Aset = liabilitas + ekuitas (2026-11-20)" in page.inner_text("main")
    assert page.locator("p.message.error").count() == 0
    page.select_option("select[name=laporan]", "surplus-statement")
    _click(page, "button:has-text('Tampilkan')")
    assert page.inner_text("td[data-key=surplus_after_tax] >> nth=0") == "315.000,00"

    # A month close refused, naming the failing check; then done once the EOD has run.
    page.goto(f"{coop}/tutup-buku/?bulan=2025-01")
    checks = page.inner_text("[data-testid=close-checks]")
    assert "✗ Proses akhir hari (EOD) hari terakhir sudah jalan" in checks
    _click(page, "button:has-text('Tutup Januari 2025')")
    refusal = page.inner_text("li.message.error")
    assert "EOD tanggal 2025-01-31 belum dijalankan" in refusal
    assert "REPORT_CLOSE_CHECKS_FAILED" in refusal
    assert not AccountingPeriod.objects.exists()
    _shot(page, "laporan-tutup-buku-ditolak")
    checkpoint_create(cooperative=coop_a, date=D(2025, 1, 31), acting_user=None)
    page.goto(f"{coop}/tutup-buku/?bulan=2025-01")
    _click(page, "button:has-text('Tutup Januari 2025')")
    assert "Periode 2025-01 ditutup." in page.inner_text("li.message.success")
    assert AccountingPeriod.objects.get().closed_at is not None

    # Year end: income and expenses of 2025 move to SHU periode berjalan.
    _click(page, "button:has-text('Posting jurnal penutup tahun 2025')")
    assert "Jurnal penutup tahun 2025 diposting." in page.inner_text("li.message.success")
    assert "SHU Rp400.000,00" in page.inner_text("main")
    assert YearEndClosing.objects.get().surplus == 400_000_00
    _shot(page, "laporan-tutup-tahun")

    # SHU: the default split simulated, a wrong one refused.
    page.goto(f"{coop}/shu/?tahun=2025")
    page.fill("#pct-reserve", "41")
    _click(page, "button:has-text('Simpan dan simulasikan')")
    assert "SHU_SPLIT_NOT_100" in page.inner_text("li.message.error")
    assert not ShuPlan.objects.exists()
    page.fill("#pct-reserve", "40")
    _click(page, "button:has-text('Simpan dan simulasikan')")
    assert "Rp400.000,00" in page.inner_text("[data-testid=shu-pool]")
    assert "Simulasi: belum disetujui." in page.inner_text("main")
    assert page.locator("button:has-text('Setujui')").count() == 0  # not the accountant's
    _shot(page, "laporan-shu-simulasi")

    page.context.clear_cookies()
    _log_in(page, base, "pengurus-a")
    page.goto(f"{coop}/shu/?tahun=2025")
    _click(page, "button:has-text('Setujui')")
    assert "Rencana pembagian SHU disetujui." in page.inner_text("li.message.success")

    page.context.clear_cookies()
    _log_in(page, base, "akuntan-a")
    page.goto(f"{coop}/shu/?tahun=2025")
    _click(page, "button:has-text('Bagikan SHU')")
    assert "SHU tahun 2025 dibagikan." in page.inner_text("li.message.success")
    assert "Sudah dibagikan pada 20 November 2026." in page.inner_text("main")
    assert "Siti Aminah" in page.inner_text("main")
    _shot(page, "laporan-shu-dibagikan")
    _pdf_shot(page, f"{coop}/shu/?tahun=2025&format=slip&anggota=1", "laporan-slip-shu-pdf")
    payable = {s.ref: s.credit - s.debit for s in SubledgerBalance.objects.filter(
        cooperative=coop_a, account__code="2116")}
    assert payable == {"member:1": 128_000_00, "member:2": 32_000_00}

    # RAT: its date, then the package.
    page.goto(f"{coop}/rat/?tahun=2025")
    page.fill("input[name=tanggal]", "2026-03-14")
    page.fill("input[name=tempat]", "Balai RW 03")
    _click(page, "button:has-text('Catat')")
    assert "14 Maret 2026" in page.inner_text("[data-testid=rat-date]")
    _shot(page, "laporan-rat-dicatat")
    with page.expect_download() as download_info:
        page.click("a:has-text('Unduh paket RAT')")
    download = download_info.value
    assert download.suggested_filename == "paket-rat-ksp-a-2025.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert "RAT-ksp-a-2025/laporan-keuangan-2025.pdf" in archive.namelist()
    assert "RAT-ksp-a-2025/pembagian-shu-2025.xlsx" in archive.namelist()


def test_a_statement_on_a_phone(live_server, ledger_flush_allowed, city,  # noqa: F811
                                browser):  # noqa: F811
    coop_a = build_books(city.coop_a)
    page = browser.new_context(viewport=VIEWPORTS["phone"], locale="id-ID").new_page()
    _log_in(page, live_server.url, "akuntan-a")
    page.goto(f"{live_server.url}/k/{coop_a.code}/laporan/?laporan=balance-sheet"
              "&dari=2026-01-01&sampai=2026-11-20")
    assert "JUMLAH LIABILITAS DAN EKUITAS" in page.inner_text("main")
    _fits_the_screen(page)
