"""A new member's first day in Chromium, from the KTP to the closed drawer: the teller opens the
drawer, registers the member from their KTP (with a photo of it, shown only on request),
admits them (simpanan pokok), deposits, asks for a
withdrawal above their limit which the manager approves, prints its receipt, takes a loan
instalment into the drawer, and closes the drawer against an exact count.

With SIMPANAN_SCREENSHOTS=<dir> the test also saves screenshots for docs/anggota-simpanan.md
and docs/kasir.md there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.ledger.verify import verify_cooperative
from lumbung.loans.models import LoanRepayment
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount
from lumbung.savings.selectors import account_balance
from lumbung.teller.models import CounterTransaction, DrawerSession
from lumbung.teller.selectors import drawer_balance
from lumbung.teller.services import drawer_create
from tests.loans.conftest import disbursed_loan
from tests.loans.conftest import fund as fund_capital
from tests.teller.conftest import fund
from tests.web.test_browser import _fits_the_screen, _log_in, browser  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SIMPANAN_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _submit(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def _log_out(page) -> None:
    _submit(page, "header button:has-text('Keluar')")


def _ktp_photo(folder: Path) -> Path:
    """A stand-in photo of a KTP, as a phone camera takes it (3000 x 1900 pixels)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (3000, 1900), (120, 160, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 120, 2880, 1780), outline=(255, 255, 255), width=24)
    draw.text((200, 200), "PROVINSI JAWA TENGAH - CONTOH", fill=(0, 0, 0))
    path = folder / "ktp.jpg"
    image.save(path, format="JPEG")
    return path


def test_a_new_members_first_day_at_the_counter(live_server, ledger_flush_allowed, city,
                                               browser, tmp_path):  # noqa: F811
    fund(city.coop_a, city.accountant_a)
    fund_capital(city.coop_a)
    drawer = drawer_create(cooperative=city.coop_a, name="Laci 1", acting_user=city.manager_a)
    base = live_server.url
    coop = f"{base}/k/ksp-a"
    kasir = f"{coop}/kasir/"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()

    _log_in(page, base, "teller-a")
    page.goto(kasir)
    page.select_option("select[name=drawer]", str(drawer.pk))
    page.fill("input[name=float]", "5.000.000")
    _submit(page, "button:has-text('Buka laci')")
    assert page.inner_text("[data-testid=drawer-cash]") == "Rp5.000.000,00"

    # Register from the KTP. A bad NIK first: refused with its code, the form keeps the input.
    page.goto(f"{coop}/anggota/baru/")
    _fits_the_screen(page)
    page.fill("input[name=name]", "Dewi Lestari")
    page.fill("input[name=birth_date]", "1985-08-17")
    page.select_option("select[name=gender]", "P")
    page.fill("input[name=street_address]", "Jl. Sultan Agung 12 RT 02/RW 05")
    page.fill("input[name=kelurahan]", "Noyontaan")
    page.fill("input[name=kecamatan]", "Pekalongan Timur")
    page.fill("input[name=city]", "Kota Pekalongan")
    page.fill("input[name=phone]", "081234567890")
    page.fill("input[name=occupation]", "Pedagang batik")
    page.fill("input[name=heir_name]", "Rudi Hartono")
    page.fill("input[name=heir_relation]", "suami")
    page.fill("input[name=nik]", "0075015708850001")  # province code 00
    _submit(page, "button:has-text('Daftarkan')")
    assert "MEMBER_NIK_INVALID" in page.inner_text("main")
    assert page.input_value("input[name=name]") == "Dewi Lestari"
    assert Member.objects.count() == 0
    page.fill("input[name=nik]", "3375015708850001")
    page.set_input_files("input[name=ktp_photo]", _ktp_photo(tmp_path))
    _shot(page, "simpanan-06-daftar-isi")
    _submit(page, "button:has-text('Daftarkan')")
    member = Member.objects.get()
    assert (member.status, member.nik) == ("calon", "3375015708850001")
    shown = page.inner_text("main")
    assert "3375015708850001" not in shown and "Dewi Lestari" in shown
    # The KTP photo is kept but hidden until shown, and showing it is audited.
    assert member.ktp_photo and "tersimpan, disamarkan" in shown
    _submit(page, "button:has-text('Tampilkan foto KTP')")
    assert page.locator("img.ktp-photo").evaluate("img => img.naturalWidth") == 1600
    _shot(page, "simpanan-08-foto-ktp")
    assert AuditEvent.objects.filter(action="members.ktp_photo.viewed").count() == 1

    # Admission at the counter: the pokok and the first wajib go into the drawer.
    page.goto(f"{kasir}?q=Dewi")
    _submit(page, "button:has-text('Terima simpanan pokok')")
    assert "Bukti Setoran Simpanan Pokok" in page.inner_text("main")
    member.refresh_from_db()
    assert (member.status, member.number) == ("anggota", 1)
    admission = CounterTransaction.objects.get(kind="admission")
    sukarela = SavingsAccount.objects.get(member=member, product__kind="sukarela")

    # Deposit Rp8.000.000, then ask for Rp6.000.000: above the teller's Rp5.000.000 limit.
    page.goto(f"{kasir}?q=Dewi")
    row = page.locator(".account-row", has_text="Simpanan Sukarela")
    row.locator("input[name=amount]").first.fill("8.000.000")
    _submit(page, ".account-row:has-text('Simpanan Sukarela') button:has-text('Setor tunai')")
    assert "Bukti Setoran Tunai" in page.inner_text("main")
    page.goto(f"{kasir}?q=Dewi")
    row = page.locator(".account-row", has_text="Simpanan Sukarela")
    row.locator("input[name=amount]").nth(1).fill("6.000.000")
    _submit(page, ".account-row:has-text('Simpanan Sukarela') button:has-text('Tarik tunai')")
    assert "menunggu persetujuan" in page.inner_text("main")
    assert account_balance(sukarela) == 8_000_000_00
    _log_out(page)

    # The manager approves (the teller could not approve their own request).
    _log_in(page, base, "manajer-a")
    page.goto(f"{coop}/persetujuan/")
    assert "Rp6.000.000,00" in page.inner_text("main")
    _submit(page, "button:has-text('Setujui')")
    _log_out(page)
    assert account_balance(sukarela) == 2_000_000_00

    # Back at the counter: print the withdrawal's receipt (the approver is on it).
    _log_in(page, base, "teller-a")
    page.goto(kasir)
    _submit(page, "tr[data-kind=withdrawal] a:has-text('Cetak')")
    main = page.inner_text("main")
    assert "Bukti Penarikan Tunai" in main and "Manajer-A" in main
    assert "Enam juta rupiah" in main and "Rp2.000.000,00" in main
    pdf = page.request.get(base + page.get_attribute("[data-paper=a6]", "href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    # A loan disbursed meanwhile; its first instalment is paid in cash at the counter.
    loan = disbursed_loan(city, member)
    page.goto(f"{kasir}?q=Dewi")
    loan_row = page.locator(".loan-row", has_text=loan.display_number)
    assert loan_row.locator("input[name=amount]").input_value() == "1.150.000,00"
    _shot(page, "kasir-10-angsuran")
    _submit(page, ".loan-row button:has-text('Bayar angsuran')")
    main = page.inner_text("main")
    assert "Bukti Pembayaran Angsuran" in main and "Rp9.000.000,00" in main
    _shot(page, "kasir-11-bukti-angsuran")
    repayment = LoanRepayment.objects.get()
    assert (repayment.principal, repayment.interest) == (1_000_000_00, 150_000_00)

    # Close the drawer against an exact count: float + admission + 8 jt - 6 jt + instalment.
    expected = 5_000_000_00 + admission.amount + 2_000_000_00 + 1_150_000_00
    assert drawer_balance(drawer=drawer) == expected
    page.goto(f"{kasir}tutup/")
    notes, rest = divmod(expected, 100_000_00)
    page.fill("input[name=k100000]", str(notes))
    page.fill("input[name=k50000]", str(rest // 50_000_00))
    assert rest % 50_000_00 == 0
    assert page.inner_text("#difference") == "Rp0"
    _submit(page, "button:has-text('Tutup laci')")
    session = DrawerSession.objects.get()
    assert (session.status, session.difference, session.counted_amount) == ("closed", 0,
                                                                            expected)
    assert drawer_balance(drawer=drawer) == 0

    # Her passbook shows the day.
    page.goto(f"{coop}/simpanan/{sukarela.number}/")
    passbook = page.inner_text("main")
    assert "Rp8.000.000,00" in passbook and "Rp6.000.000,00" in passbook
    _fits_the_screen(page)
    assert verify_cooperative(city.coop_a).ok
    context.close()


def test_the_manager_gives_a_wadiah_bonus(live_server, ledger_flush_allowed, city,
                                          browser):  # noqa: F811
    from tests.conftest import _staff
    from tests.savings.test_wadiah_bonus import NOVEMBER, fund_savers

    siti, budi = fund_savers(city)
    _staff(city.coop_b, "manajer-b", "manajer")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    _log_in(page, base, "manajer-b")
    page.goto(f"{base}/k/kspps-b/simpanan/")
    _submit(page, "a:has-text('Bonus wadiah')")
    page.fill("input[name=bulan]", f"{NOVEMBER:%Y-%m}")
    page.fill("input[name=jumlah]", "340.000")
    _submit(page, "button:has-text('Hitung pembagian')")
    plan = page.inner_text("[data-testid=bonus-plan]")
    assert "Rp330.000,00" in plan and "Rp10.000,00" in plan
    assert page.inner_text("[data-testid=bonus-tax]") == "Rp33.000,00"
    _fits_the_screen(page)
    _shot(page, "simpanan-07-bonus-wadiah")
    _submit(page, "button:has-text('Berikan bonus')")
    assert "diberikan" in page.inner_text("main")
    assert account_balance(siti) == 3_297_000_00 and account_balance(budi) == 1_010_000_00
    assert verify_cooperative(city.coop_b).ok
    context.close()
