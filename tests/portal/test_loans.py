"""Loans from the phone: simulation on the product's terms, an application with documents that
goes through the loans app's approval, its progress, and the member's running loans."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.loans.models import Loan, LoanApplication
from lumbung.loans.services import loan_application_decide, loan_disburse
from lumbung.portal.models import LoanDocument, LoanRequest
from lumbung.portal.services import member_pin_set
from tests.loans.conftest import fund, product
from tests.portal.conftest import PIN, admitted, member_client

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 300
PDF = b"%PDF-1.4\n" + b"%" * 300
RUPIAH = 100


@pytest.fixture
def borrower(city):
    """Sari, a member of A (funded, so the BMPP leaves room), with her app PIN."""
    fund(city.coop_a)
    member = admitted(city.coop_a, city.teller_a, "Sari Wulandari", phone="081299990011")
    member_pin_set(cooperative=city.coop_a, member=member, pin=PIN, acting_user=city.teller_a)
    return member


def _application_form(city, **changes):
    form = {"product": str(product(city.coop_a).pk), "amount": "12.000.000", "term": "12",
            "purpose": "Tambah modal warung", "collateral": "BPKB motor", "token": "tok-1",
            "kind_0": "ktp", "document_0": SimpleUploadedFile("ktp.jpg", JPEG),
            "kind_1": "penghasilan", "document_1": SimpleUploadedFile("slip.pdf", PDF)}
    form.update(changes)
    return form


def _nothing_written() -> tuple[int, int, int]:
    return (LoanApplication.objects.count(), LoanRequest.objects.count(),
            LoanDocument.objects.count())


def test_the_simulation_uses_the_products_rate_and_fees(city, borrower):
    client = member_client(city.coop_a, borrower)
    page = client.get("/m/ksp-a/pinjaman/simulasi/", {
        "product": product(city.coop_a).pk, "amount": "12.000.000", "term": "12"})
    # Flat 18 % a year: 1.000.000 principal + 180.000 interest a month; fees 1 % provision,
    # Rp25.000 administration, 0,5 % insurance = 120.000 + 25.000 + 60.000.
    assert page.status_code == 200
    text = page.text
    assert "Rp1.180.000,00" in text and "Rp2.160.000,00" in text
    assert "Rp205.000,00" in text and "Rp11.795.000,00" in text
    assert text.count('class="num">Rp1.180.000,00') == 12


def test_the_simulation_refuses_what_the_product_does_not_allow(city, borrower):
    client = member_client(city.coop_a, borrower)
    page = client.get("/m/ksp-a/pinjaman/simulasi/", {
        "product": product(city.coop_a).pk, "amount": "60.000.000", "term": "12"})
    assert page.status_code == 400 and "LOAN_AMOUNT_RANGE" in page.text
    assert "Kirim pengajuan" not in page.text


def test_an_application_with_documents_goes_through_approval_and_payout(city, borrower):
    client = member_client(city.coop_a, borrower)
    response = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city))
    application = LoanApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/m/ksp-a/pinjaman/pengajuan/{application.pk}/"
    assert (application.member_id, application.amount, application.term_months) == (
        borrower.pk, 12_000_000 * RUPIAH, 12)
    assert application.submitted_by is None and application.collateral == "BPKB motor"
    documents = list(LoanDocument.objects.order_by("pk").values_list(
        "kind", "content_type", "size", "application_id"))
    assert documents == [("ktp", "image/jpeg", len(JPEG), application.pk),
                         ("penghasilan", "application/pdf", len(PDF), application.pk)]
    page = client.get(response["Location"]).text
    assert 'data-stage="submitted"' in page and "0 dari 1 persetujuan" in page

    # The office decides with the loans app's own service; no staff member is the maker.
    loan_application_decide(application=application, approve=True, acting_user=city.manager_a)
    page = client.get(response["Location"]).text
    assert 'data-stage="approved"' in page and "PJ-000001" in page

    loan_disburse(cooperative=city.coop_a, loan=Loan.objects.get(), acting_user=city.teller_a)
    assert 'data-stage="active"' in client.get(response["Location"]).text
    loans_page = client.get("/m/ksp-a/pinjaman/").text
    first = Loan.objects.get().instalments.get(n=1)
    assert "Rp12.000.000,00" in loans_page  # principal still owed
    assert "Rp1.180.000,00" in loans_page and f"{first.due_date.day} " in loans_page


def test_the_approval_queue_shows_the_members_application_and_documents(city, borrower,
                                                                         as_user):
    member_client(city.coop_a, borrower).post("/m/ksp-a/pinjaman/ajukan/",
                                              _application_form(city))
    application = LoanApplication.objects.get()
    page = as_user(city.manager_a).get("/k/ksp-a/pinjaman/pengajuan/").text
    assert "oleh anggota lewat aplikasi anggota" in page
    document = LoanDocument.objects.get(kind="ktp")
    link = f"/k/ksp-a/pinjaman/pengajuan/{application.pk}/dokumen/{document.pk}/"
    assert link in page
    shown = as_user(city.teller_a).get(link)
    assert shown.status_code == 200 and shown.content == JPEG
    assert shown["Content-Type"] == "image/jpeg" and "sandbox" in shown["Content-Security-Policy"]


def test_a_retried_application_is_recorded_once(city, borrower):
    client = member_client(city.coop_a, borrower)
    first = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city))
    again = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city))
    assert first["Location"] == again["Location"]
    assert _nothing_written() == (1, 1, 2)


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_is_kept(city, borrower):
    client = member_client(city.coop_a, borrower)
    page = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(
        city, document_1=SimpleUploadedFile("slip.pdf", b"<script>alert(1)</script>")))
    assert page.status_code == 400 and "PORTAL_DOCUMENT_TYPE" in page.text
    assert _nothing_written() == (0, 0, 0)


def test_a_refusal_by_the_loans_rules_keeps_nothing(city, borrower):
    client = member_client(city.coop_a, borrower)
    page = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city, term="48"))
    assert page.status_code == 400 and "LOAN_TERM_RANGE" in page.text
    assert _nothing_written() == (0, 0, 0)
    # The same request, corrected, goes through (its token was not used up by the refusal).
    ok = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city))
    assert ok.status_code == 302 and _nothing_written() == (1, 1, 2)


def test_documents_can_be_added_while_waiting_and_not_after_the_decision(city, borrower):
    client = member_client(city.coop_a, borrower)
    location = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city))["Location"]
    more = client.post(location, {"kind_0": "usaha",
                                  "document_0": SimpleUploadedFile("warung.jpg", JPEG)})
    assert more.status_code == 302 and LoanDocument.objects.filter(kind="usaha").count() == 1
    loan_application_decide(application=LoanApplication.objects.get(), approve=False,
                            acting_user=city.manager_a)
    late = client.post(location, {"kind_0": "lain",
                                  "document_0": SimpleUploadedFile("x.jpg", JPEG)})
    assert late.status_code == 400 and "PORTAL_LOAN_DECIDED" in late.text
    assert LoanDocument.objects.count() == 3
    assert 'data-stage="rejected"' in client.get(location).text


def test_another_member_sees_none_of_it_and_writes_nothing(city, borrower, members,
                                                           as_user):
    client = member_client(city.coop_a, borrower)
    location = client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city))["Location"]
    document = LoanDocument.objects.first()
    pk = document.application_id
    before = _nothing_written()
    budi = member_client(city.coop_a, members["budi"], device="hp-budi")
    wati = member_client(city.coop_b, members["wati"], device="hp-wati")
    for intruder, code in ((budi, "ksp-a"), (wati, "kspps-b")):
        assert intruder.get(f"/m/{code}/pinjaman/pengajuan/{pk}/").status_code == 404
        assert intruder.get(f"/m/{code}/pinjaman/dokumen/{document.pk}/").status_code == 404
        added = intruder.post(f"/m/{code}/pinjaman/pengajuan/{pk}/", {
            "kind_0": "lain", "document_0": SimpleUploadedFile("x.jpg", JPEG)})
        assert added.status_code == 404
        assert "Tambah modal warung" not in intruder.get(f"/m/{code}/pinjaman/").text
    # Wati's session is for her own cooperative: in A's app she is not logged in at all.
    assert wati.get(location)["Location"] == "/m/ksp-a/masuk/"
    staff_link = f"/k/ksp-a/pinjaman/pengajuan/{pk}/dokumen/{document.pk}/"
    assert as_user(city.teller_b).get(staff_link).status_code == 404
    assert as_user(city.analyst_a).get(staff_link).status_code == 403
    assert as_user(city.auditor_a).get(staff_link).status_code == 403
    assert _nothing_written() == before


def test_the_progress_list_takes_a_fixed_number_of_queries(city, borrower):
    from lumbung.portal.loan_requests import member_applications

    client = member_client(city.coop_a, borrower)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            member_applications(cooperative_id=city.coop_a.pk, member_id=borrower.pk)
        return len(queries)

    client.post("/m/ksp-a/pinjaman/ajukan/", _application_form(city, amount="1.000.000"))
    one = count()
    for n in range(3):
        client.post("/m/ksp-a/pinjaman/ajukan/",
                    _application_form(city, amount="1.000.000", token=f"tok-{n + 2}"))
    assert LoanApplication.objects.count() == 4
    assert count() == one


def _api(city, member, device: str = "api-hp"):
    from tests.portal.test_api import login

    return login(city.coop_a.code, member.number, device=device)


def test_the_api_simulates_applies_with_files_and_reports_progress(city, borrower):
    client = _api(city, borrower)
    pk = product(city.coop_a).pk
    quote = client.get("/api/v1/me/loans/simulation", {
        "product": pk, "amount": 12_000_000 * RUPIAH, "term_months": 12}).json()
    assert (quote["fees"], quote["net"], quote["schedule"][0]["total"]) == (
        205_000 * RUPIAH, 11_795_000 * RUPIAH, 1_180_000 * RUPIAH)
    form = {"product": pk, "amount": 12_000_000 * RUPIAH, "term_months": 12,
            "purpose": "Modal usaha", "kinds": ["ktp", "penghasilan"],
            "files": [SimpleUploadedFile("k.jpg", JPEG), SimpleUploadedFile("s.pdf", PDF)]}
    created = client.post("/api/v1/me/loan-applications", form, HTTP_IDEMPOTENCY_KEY="api-1")
    assert created.status_code == 200, created.content
    body = created.json()
    assert (body["stage"], body["approvals_needed"]) == ("submitted", 1)
    assert [d["content_type"] for d in body["documents"]] == ["image/jpeg", "application/pdf"]
    form["files"] = [SimpleUploadedFile("k.jpg", JPEG), SimpleUploadedFile("s.pdf", PDF)]
    again = client.post("/api/v1/me/loan-applications", form, HTTP_IDEMPOTENCY_KEY="api-1")
    assert again.json()["id"] == body["id"] and _nothing_written() == (1, 1, 2)
    loan_application_decide(application=LoanApplication.objects.get(), approve=True,
                            acting_user=city.manager_a)
    listed = client.get("/api/v1/me/loan-applications").json()
    assert [(a["id"], a["stage"], a["loan_number"]) for a in listed] == [
        (body["id"], "approved", "PJ-000001")]
    loan_disburse(cooperative=city.coop_a, loan=Loan.objects.get(), acting_user=city.teller_a)
    loans = client.get("/api/v1/me/loans").json()
    assert [(x["outstanding"], x["next_amount"]) for x in loans] == [
        (12_000_000 * RUPIAH, 1_180_000 * RUPIAH)]


def test_the_api_refuses_another_members_application_and_bad_files(city, borrower, members):
    client = _api(city, borrower)
    form = {"product": product(city.coop_a).pk, "amount": 2_000_000 * RUPIAH,
            "term_months": 6, "purpose": "Modal", "kinds": ["ktp"],
            "files": [SimpleUploadedFile("k.txt", b"just text")]}
    refused = client.post("/api/v1/me/loan-applications", form, HTTP_IDEMPOTENCY_KEY="api-2")
    assert refused.status_code == 422 and refused.json()["code"] == "PORTAL_DOCUMENT_TYPE"
    assert _nothing_written() == (0, 0, 0)
    form["files"] = [SimpleUploadedFile("k.jpg", JPEG)]
    pk = client.post("/api/v1/me/loan-applications", form,
                     HTTP_IDEMPOTENCY_KEY="api-3").json()["id"]
    before = _nothing_written()
    budi = _api(city, members["budi"], device="api-budi")
    assert budi.get(f"/api/v1/me/loan-applications/{pk}").status_code == 404
    assert budi.post(f"/api/v1/me/loan-applications/{pk}/documents", {
        "kinds": ["lain"], "files": [SimpleUploadedFile("x.jpg", JPEG)]}).status_code == 404
    assert budi.get("/api/v1/me/loan-applications").json() == []
    assert _nothing_written() == before
