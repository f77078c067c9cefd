"""Member and savings screens: masked personal data, audited reveals, passbook documents,
product configuration; the wrong cooperative gets 404, the wrong role 403, nothing written."""

from __future__ import annotations

import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import JournalEntry
from lumbung.members.models import Member
from lumbung.savings.models import SavingsProduct
from lumbung.savings.services import savings_deposit
from tests.savings.conftest import RUPIAH, account_of, admit, vault


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {"nik": "3375015708850099", "name": "Dewi Lestari", "birth_date": "1985-08-17",
        "gender": "P", "street_address": "Jl. Sriwijaya 5 RT 02/RW 03", "kelurahan": "Noyontaan",
        "kecamatan": "Pekalongan Timur", "city": "Kota Pekalongan", "phone": "081234567890",
        "occupation": "Pedagang batik", "heir_name": "Rudi", "heir_relation": "suami"}


def test_a_teller_registers_admits_and_the_nik_stays_masked(city):
    client = _client(city.teller_a)
    response = client.post("/k/ksp-a/anggota/baru/", FORM)
    member = Member.objects.get()
    assert response.status_code == 302
    page = client.get(f"/k/ksp-a/anggota/{member.pk}/").content.decode()
    assert "3375********0099" in page and FORM["nik"] not in page
    assert "0812*****890" in page and "Pedagang batik" in page
    client.post(f"/k/ksp-a/anggota/{member.pk}/terima/", {"token": "x"})
    member.refresh_from_db()
    assert (member.status, member.number) == ("anggota", 1)
    listing = client.get("/k/ksp-a/anggota/").content.decode()
    assert "Dewi Lestari" in listing and FORM["nik"] not in listing


def test_a_refused_registration_comes_back_filled_in(city):
    response = _client(city.teller_a).post("/k/ksp-a/anggota/baru/",
                                           {**FORM, "nik": "3375013208850001"})
    assert response.status_code == 400
    assert "MEMBER_NIK_INVALID" in response.content.decode()
    assert "Pedagang batik" in response.content.decode()
    assert Member.objects.count() == 0


def test_every_reveal_of_personal_data_is_audited(city):
    siti = admit(city.coop_a, city.teller_a)
    response = _client(city.manager_a).post(f"/k/ksp-a/anggota/{siti.member.pk}/tampilkan/")
    assert siti.member.nik in response.content.decode()
    event = AuditEvent.objects.get(action="members.personal_data.revealed")
    assert event.actor == city.manager_a and siti.member.nik not in str(event.data)
    # The Dinas analyst may read the page (audited) but never reveal.
    analyst = _client(city.analyst_a)
    assert analyst.get(f"/k/ksp-a/anggota/{siti.member.pk}/").status_code == 200
    assert analyst.post(f"/k/ksp-a/anggota/{siti.member.pk}/tampilkan/").status_code == 403
    assert AuditEvent.objects.filter(action="members.personal_data.revealed").count() == 1


def test_other_cooperatives_get_404_and_wrong_roles_403_writing_nothing(city):
    siti = admit(city.coop_a, city.teller_a)
    counts = (Member.objects.count(), JournalEntry.objects.count())
    other = _client(city.teller_b)
    assert other.get(f"/k/ksp-a/anggota/{siti.member.pk}/").status_code == 404
    assert other.get(f"/k/kspps-b/anggota/{siti.member.pk}/").status_code == 404
    assert other.post("/k/ksp-a/anggota/baru/", FORM).status_code == 404
    auditor = _client(city.auditor_a)
    assert auditor.post("/k/ksp-a/anggota/baru/", FORM).status_code == 403
    assert auditor.post(f"/k/ksp-a/anggota/{siti.member.pk}/keluar/").status_code == 403
    assert _client(city.teller_a).post(
        f"/k/ksp-a/anggota/{siti.member.pk}/keluar/").status_code == 403
    assert (Member.objects.count(), JournalEntry.objects.count()) == counts


def test_the_passbook_on_screen_in_pdf_and_in_xlsx(city):
    siti = admit(city.coop_a, city.teller_a)
    account = account_of(siti, "sukarela")
    savings_deposit(cooperative=city.coop_a, account=account, amount=1_250_000 * RUPIAH,
                    counterpart=vault(city.coop_a), acting_user=city.teller_a,
                    idempotency_key=None)
    client = _client(city.teller_a)
    page = client.get(f"/k/ksp-a/simpanan/{account.number}/").content.decode()
    assert "1.250.000,00" in page
    pdf = client.get(f"/k/ksp-a/simpanan/{account.number}/buku.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/k/ksp-a/simpanan/{account.number}/mutasi.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[6]][1:] == [
        JournalEntry.objects.order_by("-number").first().number, "Setoran", 0, 1_250_000, 1_250_000]
    bad = client.get(f"/k/ksp-a/simpanan/{account.number}/?dari=2026-12-01&sampai=2026-11-01")
    assert bad.status_code == 400


def test_the_account_list_reads_balances_in_a_fixed_number_of_queries(city):
    for name in ("Ani", "Budi", "Citra"):
        admit(city.coop_a, city.teller_a, name=name)
    client = _client(city.teller_a)
    client.get("/k/ksp-a/simpanan/")  # the session's first request saves it
    with CaptureQueriesContext(connection) as few:
        client.get("/k/ksp-a/simpanan/")
    admit(city.coop_a, city.teller_a, name="Dodi")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/k/ksp-a/simpanan/")
    assert response.status_code == 200
    assert len(more) == len(few)
    with CaptureQueriesContext(connection) as members:
        client.get("/k/ksp-a/anggota/")
    assert len(members) <= len(few)


def test_the_manager_configures_a_product_and_a_teller_may_not(city):
    product = SavingsProduct.objects.get(cooperative=city.coop_a, kind="sukarela")
    form = {"name": "Sukarela Plus", "fixed_amount": "", "minimum_balance": "50.000",
            "minimum_opening": "50.000", "interest_rate": "3,5", "interest_method": "average",
            "nisbah": "0", "dormant_after_months": "6", "term_months": "0",
            "interest_payout": "monthly", "penalty_rate": "0", "active": "1"}
    assert _client(city.teller_a).post(f"/k/ksp-a/simpanan/produk/{product.pk}/",
                                       form).status_code == 403
    response = _client(city.manager_a).post(f"/k/ksp-a/simpanan/produk/{product.pk}/", form)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.minimum_balance, str(product.interest_rate),
            product.dormant_after_months) == ("Sukarela Plus", 50_000 * RUPIAH, "3.5000", 6)
