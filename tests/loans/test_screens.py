"""The Pinjaman screens: each read for staff, 404 across tenants, audited Dinas reads; each
write refused to the wrong role with nothing written; the public simulation; the contract."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import JournalEntry
from lumbung.loans.models import Loan, LoanApplication, LoanRepayment
from tests.conftest import City
from tests.loans.conftest import RUPIAH, admit, approved_loan, disbursed_loan, move_to, product
from tests.web.conftest import client_for

READS = ["loans", "loan_applications", "loan_portfolio", "loan_overdue", "loan_detail",
         "loan_contract"]


def _url(name: str, city: City, loan: Loan | None = None) -> str:
    kwargs = {"code": city.coop_a.code}
    if name in {"loan_detail", "loan_contract", "loan_disburse", "loan_repay"}:
        kwargs["pk"] = loan.pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def loan(funded: City, siti) -> Loan:
    return disbursed_loan(funded, siti)


@pytest.mark.parametrize("name", READS)
def test_staff_see_the_screens_other_tenants_get_404_and_dinas_reads_are_audited(
    funded: City, loan: Loan, name: str
) -> None:
    url = _url(name, funded, loan)
    for user in (funded.teller_a, funded.manager_a, funded.auditor_a):
        assert client_for(user).get(url).status_code == 200
    assert client_for(funded.teller_b).get(url).status_code == 404
    assert client_for(funded.analyst_a).get(url).status_code == 200
    assert AuditEvent.objects.filter(action=f"supervision.read.{name}",
                                     actor=funded.analyst_a).count() == 1


def test_the_loan_card_shows_schedule_history_and_amounts(funded: City, loan: Loan) -> None:
    client = client_for(funded.teller_a)
    client.post(_url("loan_repay", funded, loan), {"amount": "1.150.000", "token": "a"})
    page = client.get(_url("loan_detail", funded, loan)).content.decode()
    assert "PJ-000001" in page and "Rp9.000.000,00" in page  # sisa pokok
    assert "20 Des 2026" in page or "20 Dec 2026" in page
    assert "Rp1.150.000,00" in page and "tunai di kantor" in page


def test_an_application_through_the_screens(funded: City, siti, board_a) -> None:
    form = {"member": siti.pk, "product": product(funded.coop_a).pk, "amount": "30.000.000",
            "term": "24", "purpose": "Beli mesin jahit", "collateral": "Sertifikat tanah",
            "collateral_value": "80.000.000", "guarantor_name": "Ahmad",
            "character": "Jujur, aktif menabung"}
    form["product"] = product(funded.coop_a).pk
    product_row = product(funded.coop_a)
    product_row.max_amount = 100_000_000 * RUPIAH
    product_row.save()
    response = client_for(funded.teller_a).post(reverse("loan_application_new",
                                                        args=[funded.coop_a.code]), form)
    assert response.status_code == 302
    application = LoanApplication.objects.get()
    assert (application.amount, application.collateral_value, application.character) == (
        30_000_000 * RUPIAH, 80_000_000 * RUPIAH, "Jujur, aktif menabung")
    queue = client_for(funded.manager_a).get(_url("loan_applications", funded)).content.decode()
    assert "perlu 2" in queue and "dalam batas" in queue
    decide = reverse("loan_application_decide", args=[funded.coop_a.code, application.pk])
    # The teller who submitted may only withdraw; an accountant may not decide.
    assert client_for(funded.accountant_a).post(decide, {"decision": "approve"}).status_code == 302
    assert not application.votes.exists()
    client_for(funded.manager_a).post(decide, {"decision": "approve"})
    response = client_for(board_a).post(decide, {"decision": "approve"})
    loan = Loan.objects.get()
    assert response["Location"] == _url("loan_detail", funded, loan)


def test_a_refused_application_keeps_what_was_typed(funded: City, siti) -> None:
    form = {"member": siti.pk, "product": product(funded.coop_a).pk, "amount": "100.000",
            "term": "12", "purpose": "Modal"}
    response = client_for(funded.teller_a).post(reverse("loan_application_new",
                                                        args=[funded.coop_a.code]), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "LOAN_AMOUNT_RANGE" in page and 'value="100.000"' in page
    assert not LoanApplication.objects.exists()


def test_writes_are_refused_to_the_wrong_people_and_nothing_is_written(
    funded: City, siti
) -> None:
    approved = approved_loan(funded, siti)
    entries = JournalEntry.objects.count()
    for user, status in ((funded.auditor_a, 403), (funded.analyst_a, 403),
                         (funded.teller_b, 404)):
        client = client_for(user)
        assert client.post(_url("loan_disburse", funded, approved), {"to": "cash"}).status_code \
            == status
        assert client.post(_url("loan_repay", funded, approved),
                           {"amount": "1.000"}).status_code == status
        assert client.post(reverse("loan_application_new", args=[funded.coop_a.code]),
                           {"member": siti.pk}).status_code == status
    approved.refresh_from_db()
    assert approved.status == "approved" and JournalEntry.objects.count() == entries
    assert not LoanRepayment.objects.exists()


def test_disburse_and_repay_through_the_screens(funded: City, siti) -> None:
    approved = approved_loan(funded, siti)
    client = client_for(funded.teller_a)
    client.post(_url("loan_disburse", funded, approved), {"to": "cash", "token": "x"})
    client.post(_url("loan_disburse", funded, approved), {"to": "cash", "token": "x"})
    approved.refresh_from_db()
    assert approved.status == "active"
    assert JournalEntry.objects.filter(source="loans").count() == 1
    client.post(_url("loan_repay", funded, approved), {"amount": "500.000", "token": "y"})
    client.post(_url("loan_repay", funded, approved), {"amount": "500.000", "token": "y"})
    assert LoanRepayment.objects.get().interest == 150_000 * RUPIAH


def _pending(city: City, member) -> None:
    LoanApplication.objects.create(
        cooperative=city.coop_a, member=member, product=product(city.coop_a),
        amount=1_000_000 * RUPIAH, term_months=6, purpose="x",
        applied_on=city.coop_a.business_date, submitted_by=city.teller_a)


def test_lists_keep_their_query_count(funded: City, siti) -> None:
    disbursed_loan(funded, siti)
    _pending(funded, siti)
    client = client_for(funded.manager_a)

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(name, funded)).status_code == 200
        return len(captured)

    names = ("loans", "loan_overdue", "loan_applications", "loan_portfolio")
    queries("loans")  # the first request also touches the session
    before = {name: queries(name) for name in names}
    for n in range(3):
        member = admit(funded.coop_a, funded.teller_a, name=f"Anggota {n}").member
        disbursed_loan(funded, member, amount_rupiah=2_000_000, months=6)
        LoanApplication.objects.create(
            cooperative=funded.coop_a, member=member, product=product(funded.coop_a),
            amount=1_000_000 * RUPIAH, term_months=6, purpose="x",
            applied_on=funded.coop_a.business_date, submitted_by=funded.teller_a)
    move_to(funded, dt.date(2027, 1, 5))
    assert {name: queries(name) for name in names} == before


def test_the_overdue_list_names_who_to_visit(funded: City, loan: Loan) -> None:
    move_to(funded, dt.date(2027, 1, 5))
    page = client_for(funded.teller_a).get(_url("loan_overdue", funded)).content.decode()
    assert "Siti Aminah" in page and ">16<" in page and "Rp1.150.000,00" in page


def test_the_simulation_is_public_and_uses_the_calculator() -> None:
    response = Client().get(reverse("loan_simulation"), {
        "jumlah": "12.000.000", "bunga": "12", "bulan": "12", "metode": "annuity",
        "mulai": "2026-01-31"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rp1.066.185,00" in page and "28 Feb 2026" in page
    bad = Client().get(reverse("loan_simulation"), {"jumlah": "abc", "bulan": "12",
                                                    "bunga": "12", "metode": "flat"})
    assert bad.status_code == 400 and "BAD_AMOUNT" in bad.content.decode()


def test_the_contract_is_a_pdf(funded: City, loan: Loan) -> None:
    response = client_for(funded.teller_a).get(_url("loan_contract", funded, loan))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
