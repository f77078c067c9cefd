"""The loans API: schedule, applications, decisions, disbursement and repayments with
Idempotency-Key; another tenant is a 404, a wrong role a 403 with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.loans import portfolio
from lumbung.loans.models import Instalment, Loan, LoanApplication, LoanRepayment
from lumbung.loans.models_quality import LoanRecovery
from tests.conftest import City
from tests.loans.conftest import RUPIAH, approved_loan, disbursed_loan, move_to
from tests.loans.financing_helpers import make_loan
from tests.web.conftest import client_for

JT = 1_000_000 * RUPIAH

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
                     {"to": "cash"}, key="d").status_code == status
        assert _post(client, f"{BASE}/loans/{approved.pk}/repayments",
                     {"amount": 100}, key="r").status_code == status
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


def test_money_moving_posts_need_an_idempotency_key_and_errors_are_json(funded: City,
                                                                        siti) -> None:
    loan = disbursed_loan(funded, siti)
    teller = client_for(funded.teller_a)
    entries = JournalEntry.objects.count()
    for key in (None, "x" * 65, " "):
        response = _post(teller, f"{BASE}/loans/{loan.pk}/repayments",
                         {"amount": 1_150_000 * RUPIAH}, key=key)
        assert response.status_code == 422 and response.json()["code"] == "BAD_INPUT"
    missing = _post(teller, f"{BASE}/loans/{loan.pk}/repayments", {"amount": 100})
    assert "idempotency-key" in missing.json()["message"].lower()
    wrong_type = _post(teller, f"{BASE}/loans/{loan.pk}/repayments", {"amount": "banyak"},
                       key="k")
    assert wrong_type.status_code == 422 and wrong_type.json()["code"] == "BAD_INPUT"
    assert "amount" in wrong_type.json()["message"]
    assert JournalEntry.objects.count() == entries and LoanRepayment.objects.count() == 0
    anonymous = Client().get(f"{BASE}/loans/{loan.pk}")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "NOT_AUTHENTICATED"


def test_products_loans_and_the_portfolio_are_readable(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)
    auditor = client_for(funded.auditor_a)
    products = {p["code"]: p for p in auditor.get(f"{BASE}/loan-products").json()}
    umum = products["pinjaman-umum"]
    assert (umum["annual_rate"], umum["admin_fee"], umum["allocation_order"],
            umum["rounding_unit"]) == ("18.0000", 25_000 * RUPIAH,
                                       ["penalty", "interest", "principal"], 100)
    [row] = auditor.get(f"{BASE}/loans").json()
    assert (row["id"], row["outstanding"], row["days_past_due"]) == (loan.pk, 10 * JT, 0)
    assert auditor.get(f"{BASE}/loans", {"min_days_past_due": 1}).json() == []
    move_to(funded, dt.date(2027, 1, 5))  # the 20 December instalment is 16 days late
    portfolio.loans_age(cooperative=funded.coop_a, as_of=funded.coop_a.business_date)
    [late] = auditor.get(f"{BASE}/loans", {"min_days_past_due": 1}).json()
    assert (late["days_past_due"], late["loan_class"]) == (16, "lancar")
    figures = auditor.get(f"{BASE}/loan-portfolio").json()
    assert (figures["loans"], figures["outstanding"], figures["par30"]) == (1, 10 * JT, 0)
    assert figures["classes"][0] == {"code": "lancar", "name": "Lancar", "loans": 1,
                                     "outstanding": 10 * JT, "provision_rate": "0.005"}
    assert figures["policy_confirmed"] is False
    for url in ("loan-products", "loans", "loan-portfolio", "write-offs", "loan-workouts"):
        assert client_for(funded.teller_b).get(f"{BASE}/{url}").status_code == 404
        assert client_for(funded.analyst_a).get(f"{BASE}/{url}").status_code == 200


@pytest.fixture
def macet(city: City) -> Loan:
    """Rp6.000.000 from 20 Nov 2025, nothing paid: macet, provisioned at 100 %."""
    loan = make_loan(city.coop_a, principal=6_000_000 * RUPIAH, start=dt.date(2025, 11, 20))
    portfolio.loans_age(cooperative=city.coop_a, as_of=city.coop_a.business_date)
    portfolio.provision_adjust(cooperative=city.coop_a, as_of=city.coop_a.business_date,
                               acting_user=None)
    return loan


def test_write_off_and_recovery_through_the_api(city: City, macet: Loan) -> None:
    accountant, manager = client_for(city.accountant_a), client_for(city.manager_a)
    entries = JournalEntry.objects.count()
    for user, status in ((city.teller_a, 403), (city.auditor_a, 403), (city.analyst_a, 403),
                         (city.teller_b, 404)):
        assert _post(client_for(user), f"{BASE}/loans/{macet.pk}/write-off",
                     {"reason": "usaha tutup"}).status_code == status
    assert ApprovalRequest.objects.count() == 0
    asked = _post(accountant, f"{BASE}/loans/{macet.pk}/write-off", {"reason": "usaha tutup"})
    again = _post(accountant, f"{BASE}/loans/{macet.pk}/write-off", {"reason": "usaha tutup"})
    assert asked.status_code == again.status_code == 202
    request = asked.json()
    assert (request["id"], request["status"], request["amount"], request["kind"]) == (
        again.json()["id"], "pending", 6_000_000 * RUPIAH, "loans.write_off")
    decide = f"{BASE}/loan-workouts/{request['id']}/decision"
    own = _post(accountant, decide, {"approve": True})
    assert own.status_code == 422 and own.json()["code"] == "APPROVAL_SELF"
    assert _post(client_for(city.teller_a), decide, {"approve": True}).status_code == 403
    assert _post(client_for(city.teller_b), decide, {"approve": True}).status_code == 404
    assert JournalEntry.objects.count() == entries
    done = _post(manager, decide, {"approve": True, "reason": "sesuai rapat"}).json()
    assert done["status"] == "approved" and done["entry_number"] is not None
    assert Loan.objects.get(pk=macet.pk).status == "written_off"
    [register] = manager.get(f"{BASE}/write-offs").json()
    claim = 6_000_000 * RUPIAH + 12 * 60_000 * RUPIAH  # principal and unpaid interest
    assert (register["principal"], register["claim"], register["left"]) == (
        6_000_000 * RUPIAH, claim, claim)

    recover = f"{BASE}/write-offs/{register['id']}/recoveries"
    for user, status in ((city.accountant_a, 403), (city.auditor_a, 403),
                         (city.teller_b, 404)):
        assert _post(client_for(user), recover, {"amount": 100}, key="p").status_code == status
    assert _post(client_for(city.teller_a), recover, {"amount": 100}).status_code == 422
    assert LoanRecovery.objects.count() == 0
    teller = client_for(city.teller_a)
    first = _post(teller, recover, {"amount": 1_000_000 * RUPIAH}, key="pulih-1")
    retry = _post(teller, recover, {"amount": 1_000_000 * RUPIAH}, key="pulih-1")
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"] and LoanRecovery.objects.count() == 1
    assert first.json()["left"] == claim - 1_000_000 * RUPIAH
    too_much = _post(teller, recover, {"amount": claim}, key="pulih-2")
    assert too_much.status_code == 422 and too_much.json()["code"] == "LOAN_RECOVERY_TOO_MUCH"
    assert LoanRecovery.objects.count() == 1


def test_restructuring_through_the_api(funded: City, siti) -> None:
    loan = disbursed_loan(funded, siti)  # 10 × Rp1.000.000 principal, nothing paid yet
    accountant, manager = client_for(funded.accountant_a), client_for(funded.manager_a)
    url = f"{BASE}/loans/{loan.pk}/restructure"
    body = {"term_months": 20, "annual_rate": "12", "first_due_date": "2027-01-20",
            "reason": "panen gagal"}
    assert _post(client_for(funded.teller_a), url, body, key="rs").status_code == 403
    assert _post(client_for(funded.teller_b), url, body, key="rs").status_code == 404
    bad = _post(accountant, url, {**body, "first_due_date": "2026-01-01"}, key="rs0")
    assert bad.status_code == 422 and bad.json()["code"] == "BAD_INPUT"
    first = _post(accountant, url, body, key="rs1")
    retry = _post(accountant, url, body, key="rs1")
    assert first.status_code == retry.status_code == 202
    assert first.json()["id"] == retry.json()["id"]
    other = _post(accountant, url, body, key="rs2")
    assert other.status_code == 422 and other.json()["code"] == "LOAN_RESTRUCTURE_PENDING"
    pending = accountant.get(f"{BASE}/loan-workouts").json()
    assert [p["id"] for p in pending] == [first.json()["id"]]
    done = _post(manager, f"{BASE}/loan-workouts/{first.json()['id']}/decision",
                 {"approve": True})
    assert done.json()["status"] == "approved" and done.json()["entry_number"] is None
    rows = list(Instalment.objects.filter(loan=loan).order_by("n"))
    # Rp10.000.000 over 20 months at 12 % flat: Rp500.000 principal + Rp100.000 interest.
    assert len(rows) == 20 and (rows[0].due_date, rows[0].principal, rows[0].interest) == (
        dt.date(2027, 1, 20), 500_000 * RUPIAH, 100_000 * RUPIAH)
    assert accountant.get(f"{BASE}/loan-workouts").json() == []
