"""The loans API: schedule, applications, decisions, disbursement and repayments with
Idempotency-Key; another tenant is a 404, a wrong role a 403 with nothing written."""

from __future__ import annotations

import json

from lumbung.ledger.models import JournalEntry
from lumbung.loans.models import Loan, LoanApplication, LoanRepayment
from tests.conftest import City
from tests.loans.conftest import RUPIAH, approved_loan, disbursed_loan
from tests.web.conftest import client_for

BASE = "/api/v1/cooperatives/ksp-a"


def _post(client, url: str, body: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_schedule_endpoint_gives_the_calculators_sen(city: City) -> None:
    response = client_for(city.teller_a).get("/api/v1/loan-schedule", {
        "principal": 1_000_000_00, "annual_rate": "12", "months": 3, "method": "declining",
        "start": "2026-01-31"})
    data = response.json()
    assert response.status_code == 200 and data["total_interest"] == 20_000_01
    assert data["instalments"][0]["due_date"] == "2026-02-28"
    bad = client_for(city.teller_a).get("/api/v1/loan-schedule", {
        "principal": 0, "annual_rate": "12", "months": 3, "method": "flat", "start": "2026-01-31"})
    assert bad.status_code == 422 and bad.json()["code"] == "BAD_INPUT"


def test_apply_approve_disburse_and_repay(funded: City, siti) -> None:
    teller, manager = client_for(funded.teller_a), client_for(funded.manager_a)
    response = _post(teller, f"{BASE}/loan-applications", {
        "member_id": siti.pk, "product_code": "pinjaman-umum", "amount": 10_000_000 * RUPIAH,
        "term_months": 10, "purpose": "Modal warung", "collateral": "BPKB"})
    assert response.status_code == 201, response.content
    application = response.json()
    assert (application["status"], application["approvals_needed"]) == ("submitted", 1)
    refused = _post(teller, f"{BASE}/loan-applications/{application['id']}/decision",
                    {"approve": True})
    assert refused.status_code == 422 and refused.json()["code"] == "LOAN_MAKER_APPROVES"
    decided = _post(manager, f"{BASE}/loan-applications/{application['id']}/decision",
                    {"approve": True, "note": "ok"}).json()
    assert decided["status"] == "approved"
    loan_id = decided["loan_id"]
    loan = _post(teller, f"{BASE}/loans/{loan_id}/disbursement", {"to": "cash"}, key="d1").json()
    assert (loan["status"], loan["outstanding"], loan["fees"]) == (
        "active", 10_000_000 * RUPIAH, 175_000 * RUPIAH)
    assert loan["instalments"][0]["total"] == 1_150_000 * RUPIAH
    again = _post(teller, f"{BASE}/loans/{loan_id}/disbursement", {"to": "cash"}, key="d1")
    assert again.status_code == 200
    first = _post(teller, f"{BASE}/loans/{loan_id}/repayments",
                  {"amount": 1_150_000 * RUPIAH}, key="r1")
    retry = _post(teller, f"{BASE}/loans/{loan_id}/repayments",
                  {"amount": 1_150_000 * RUPIAH}, key="r1")
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"] and LoanRepayment.objects.count() == 1
    assert first.json()["principal"] == 1_000_000 * RUPIAH
    detail = client_for(funded.auditor_a).get(f"{BASE}/loans/{loan_id}").json()
    assert detail["outstanding"] == 9_000_000 * RUPIAH


def test_wrong_people_are_refused_and_nothing_is_written(funded: City, siti) -> None:
    approved = approved_loan(funded, siti)
    entries = JournalEntry.objects.count()
    for user, status in ((funded.auditor_a, 403), (funded.analyst_a, 403),
                         (funded.teller_b, 404)):
        client = client_for(user)
        assert _post(client, f"{BASE}/loans/{approved.pk}/disbursement",
                     {"to": "cash"}).status_code == status
        assert _post(client, f"{BASE}/loans/{approved.pk}/repayments",
                     {"amount": 100}).status_code == status
        assert _post(client, f"{BASE}/loan-applications", {
            "member_id": siti.pk, "product_code": "pinjaman-umum", "amount": 1_000_000_00,
            "term_months": 6, "purpose": "x"}).status_code == status
    assert JournalEntry.objects.count() == entries
    assert LoanApplication.objects.count() == 1
    approved.refresh_from_db()
    assert approved.status == "approved"
    assert client_for(funded.teller_b).get(f"{BASE}/loans/{approved.pk}").status_code == 404


def test_early_payoff_through_the_api(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)
    teller = client_for(funded.teller_a)
    payoff = teller.get(f"{BASE}/loans/{loan.pk}").json()["payoff"]
    assert payoff == 10_150_000 * RUPIAH
    response = _post(teller, f"{BASE}/loans/{loan.pk}/repayments",
                     {"amount": payoff, "early_payoff": True}, key="lunas")
    assert response.json()["loan_status"] == "paid_off"
    assert Loan.objects.get(pk=loan.pk).status == "paid_off"
