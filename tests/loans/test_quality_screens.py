"""Screens of loan quality and problem loans: who may see and do what, and nothing written when
refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.services import approval_decide
from lumbung.loans import portfolio
from lumbung.loans.models_quality import (
    CollectibilityPolicy,
    LoanRecovery,
    LoanWriteOff,
    ProfitReport,
    ProfitSharingTerms,
)
from lumbung.loans.workout import loan_write_off_submit
from tests.conftest import BUSINESS_DATE
from tests.loans.financing_helpers import make_loan

RP = 100


def _client(client, user):
    client.force_login(user)
    return client


def test_the_policy_page_says_the_default_is_not_regulation(client, city):
    page = _client(client, city.teller_a).get("/k/ksp-a/pinjaman/kebijakan-kolektibilitas/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bukan ketentuan resmi." in text and "BUKAN ketentuan resmi" in text
    assert "Hanya manajer" in text
    assert _client(client, city.teller_b).get(
        "/k/ksp-a/pinjaman/kebijakan-kolektibilitas/").status_code == 404
    assert _client(client, city.analyst_a).get(
        "/k/ksp-a/pinjaman/kebijakan-kolektibilitas/").status_code == 200
    assert AuditEvent.objects.filter(
        action="supervision.read.loan_collectibility_policy").count() == 1


def _policy_form(**changes):
    form = {"min_days_0": "0", "rate_0": "0,5", "min_days_1": "31", "rate_1": "10",
            "min_days_2": "91", "rate_2": "50", "min_days_3": "181", "rate_3": "100"}
    form.update(changes)
    return form


def test_a_manager_changes_the_policy_and_others_cannot(client, city):
    url = "/k/ksp-a/pinjaman/kebijakan-kolektibilitas/simpan/"
    assert _client(client, city.accountant_a).post(url, _policy_form()).status_code == 403
    assert _client(client, city.teller_b).post(url, _policy_form()).status_code == 404
    assert CollectibilityPolicy.objects.count() == 0
    manager = _client(client, city.manager_a)
    refused = manager.post(url, _policy_form(min_days_2="20"), follow=True)
    assert "LOAN_POLICY_INVALID" in refused.content.decode()
    assert CollectibilityPolicy.objects.count() == 0
    manager.post(url, _policy_form(min_days_1="61", rate_1="25", collateral_deductible="on"))
    policy = portfolio.policy_for(city.coop_a)
    assert (policy.classify(60).code, policy.classify(61).code) == ("lancar", "kurang_lancar")
    assert str(policy.by_code("kurang_lancar").provision_rate) == "0.25"
    assert policy.collateral_deductible is True
    assert AuditEvent.objects.filter(action="loans.collectibility_policy.changed").count() == 1


@pytest.fixture
def macet(city):
    loan = make_loan(city.coop_a, principal=3_000_000 * RP, start=dt.date(2025, 1, 10))
    portfolio.loans_age(cooperative=city.coop_a, as_of=BUSINESS_DATE)
    return loan


def test_the_loan_quality_page_and_its_requests(client, city, macet):
    url = f"/k/ksp-a/pinjaman/{macet.pk}/kualitas/"
    assert _client(client, city.teller_b).get(url).status_code == 404
    page = _client(client, city.teller_a).get(url)
    assert page.status_code == 200
    assert "Macet" in page.content.decode()
    assert "write-off-form" not in page.content.decode()  # tellers do not request write-offs
    # Wrong role / other tenant: refused, nothing written.
    assert _client(client, city.teller_a).post(
        url.replace("kualitas", "hapus-buku"), {"reason": "x"}).status_code == 403
    assert _client(client, city.teller_b).post(
        url.replace("kualitas", "hapus-buku"), {"reason": "x"}).status_code == 404
    assert ApprovalRequest.objects.count() == 0
    accountant = _client(client, city.accountant_a)
    accountant.post(url.replace("kualitas", "hapus-buku"), {"reason": "usaha tutup"})
    request = ApprovalRequest.objects.get(kind="loans.write_off")
    assert request.maker == city.accountant_a
    refused = accountant.post(url.replace("kualitas", "restrukturisasi"), {
        "term_months": "abc", "annual_rate": "12", "first_due_date": "2026-12-20",
        "reason": "x"}, follow=True)
    assert "BAD_INPUT" in refused.content.decode()
    accountant.post(url.replace("kualitas", "restrukturisasi"), {
        "term_months": "12", "annual_rate": "12", "first_due_date": "2026-12-20",
        "reason": "omzet turun", "waive_penalty": "on"})
    assert ApprovalRequest.objects.filter(kind="loans.restructure").count() == 1
    page = accountant.get(url).content.decode()
    assert page.count("Menunggu persetujuan: permintaan") == 2


def test_the_write_off_register_takes_recoveries_at_the_counter(client, city, macet):
    request = loan_write_off_submit(cooperative=city.coop_a, loan=macet, reason="bangkrut",
                                    acting_user=city.accountant_a)
    approval_decide(request=request, approve=True, acting_user=city.manager_a)
    write_off = LoanWriteOff.objects.get()
    url = f"/k/ksp-a/pinjaman/hapus-buku/{write_off.pk}/pemulihan/"
    entries = JournalEntry.objects.count()
    assert _client(client, city.accountant_a).post(url, {"amount": "100.000"}).status_code == 403
    assert _client(client, city.teller_b).post(url, {"amount": "100.000"}).status_code == 404
    assert JournalEntry.objects.count() == entries
    teller = _client(client, city.teller_a)
    teller.post(url, {"amount": "250.000", "token": "t1"})
    teller.post(url, {"amount": "250.000", "token": "t1"})  # a double click
    assert LoanRecovery.objects.get().amount == 250_000 * RP
    page = teller.get("/k/ksp-a/pinjaman/hapus-buku/").content.decode()
    assert "Rp250.000,00" in page
    for _ in range(3):
        old = make_loan(city.coop_a, principal=1_000_000 * RP, start=dt.date(2025, 1, 10))
        portfolio.loans_age(cooperative=city.coop_a, as_of=BUSINESS_DATE)
        approval_decide(request=loan_write_off_submit(
            cooperative=city.coop_a, loan=old, reason="x", acting_user=city.accountant_a),
            approve=True, acting_user=city.manager_a)
    with CaptureQueriesContext(connection) as captured:
        assert teller.get("/k/ksp-a/pinjaman/hapus-buku/").status_code == 200
    assert len(captured) <= 12


def test_profit_terms_and_reports_from_the_screen(client, city):
    from lumbung.tenancy.models import CooperativeRole
    from tests.conftest import _staff

    loan = make_loan(city.coop_b, principal=20_000_000 * RP, rate="18", product="mudharabah",
                     start=dt.date(2026, 10, 20))
    url = f"/k/kspps-b/pinjaman/{loan.pk}/"
    assert _client(client, city.teller_a).post(url + "nisbah/", {"nisbah": "35"}).status_code \
        == 404
    _staff(city.coop_b, "pengawas-b", CooperativeRole.SUPERVISORY_BOARD)
    teller = _client(client, city.teller_b)
    teller.post(url + "nisbah/", {"nisbah": "35"})
    assert str(ProfitSharingTerms.objects.get().nisbah) == "0.3500"
    teller.post(url + "laporan-bagi-hasil/", {"period_end": "2026-11-20",
                                              "revenue": "15.000.000",
                                              "realised_profit": "4.000.000"})
    assert ProfitReport.objects.get().cooperative_share == 1_400_000 * RP
    page = teller.get(url + "kualitas/").content.decode()
    assert "Rp1.400.000,00" in page


def test_an_approved_restructuring_reads_as_approved_on_the_approvals_screen(client, city):
    from lumbung.loans.workout import loan_restructure_submit

    loan = make_loan(city.coop_a, principal=3_000_000 * RP)
    request = loan_restructure_submit(
        cooperative=city.coop_a, loan=loan, term_months=6, annual_rate=Decimal(12),
        first_due_date=BUSINESS_DATE + dt.timedelta(days=30), reason="usaha sepi",
        acting_user=city.accountant_a)
    page = _client(client, city.manager_a).post(
        f"/k/ksp-a/persetujuan/{request.pk}/putuskan/", {"decision": "approve"}, follow=True)
    text = page.content.decode()
    assert f"Permintaan #{request.pk} disetujui dan dilaksanakan." in text
    assert "ditolak" not in text.split("<main", 1)[-1].split("</main>", 1)[0]
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"
