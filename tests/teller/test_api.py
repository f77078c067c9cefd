"""The teller API: a till client's day (open, admit, deposit, withdraw with approval, loan
instalment, transfer, close), idempotent retries, receipts, and who is refused (nothing written).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.services import approval_decide
from lumbung.ledger.verify import verify_cooperative
from lumbung.loans.models import LoanRepayment
from lumbung.savings.models import SavingsAccount
from lumbung.savings.selectors import account_balance
from lumbung.teller.models import CounterTransaction, DrawerSession
from tests.loans.conftest import disbursed_loan
from tests.loans.conftest import fund as fund_capital
from tests.teller.conftest import register_member

API = "/api/v1/cooperatives/ksp-a"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def writes() -> tuple[int, int, int, int, int]:
    return (JournalEntry.objects.count(), ApprovalRequest.objects.count(),
            CounterTransaction.objects.count(), DrawerSession.objects.count(),
            LoanRepayment.objects.count())


def test_a_till_clients_day(city, counter):
    client = _client(city.teller_a)
    drawers = client.get(f"{API}/drawers").json()
    assert [(d["name"], d["session_id"], d["cash"]) for d in drawers] == [
        ("Laci 1", None, 0), ("Laci 2", None, 0)]
    opened = _post(client, f"{API}/drawer-sessions",
                   {"drawer_id": counter.drawer_a.pk, "float_amount": 5_000_000_00}, key="open")
    again = _post(client, f"{API}/drawer-sessions",
                  {"drawer_id": counter.drawer_a.pk, "float_amount": 5_000_000_00}, key="open")
    assert opened.status_code == again.status_code == 201, opened.content
    assert opened.json()["id"] == again.json()["id"]
    assert opened.json()["cash"] == 5_000_000_00
    session = f"{API}/drawer-sessions/{opened.json()['id']}"
    assert client.get(f"{API}/drawer-sessions/current").json()["id"] == opened.json()["id"]

    member = register_member(city.coop_a, city.teller_a, name="Dewi Lestari")
    admitted = _post(client, f"{session}/admissions", {"member_id": member.pk}, key="a1")
    assert admitted.status_code == 201, admitted.content
    receipt = admitted.json()["receipt"]
    assert receipt["title"] == "Bukti Setoran Simpanan Pokok"
    entry = JournalEntry.objects.get(number=receipt["entry_number"], cooperative=city.coop_a)
    assert receipt["verify_url"].endswith(
        f"/v/ksp-a/{entry.number}/{entry.hash[:16]}/")
    assert set(receipt["pdf"]) == {"a6", "80mm"}
    assert client.get(receipt["pdf"]["a6"]).content.startswith(b"%PDF")

    account = SavingsAccount.objects.get(member=member, product__kind="sukarela")
    body = {"account_number": account.number, "amount": 8_000_000_00}
    first = _post(client, f"{session}/deposits", body, key="d1")
    retry = _post(client, f"{session}/deposits", body, key="d1")
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]
    assert first.json()["receipt"]["balance_after"] == 8_000_000_00
    assert first.json()["receipt"]["amount_words"] == "delapan juta rupiah"
    assert account_balance(account) == 8_000_000_00

    # Above the teller's limit: 202, pending, the cash held back in the drawer.
    pending = _post(client, f"{session}/withdrawals",
                    {"account_number": account.number, "amount": 6_000_000_00}, key="w1")
    assert pending.status_code == 202
    assert (pending.json()["status"], pending.json()["receipt"]) == ("pending_approval", None)
    state = client.get(f"{API}/drawer-sessions/current").json()
    assert state["cash"] - state["free_cash"] == 6_000_000_00
    approval_decide(request=ApprovalRequest.objects.get(pk=pending.json()["approval_id"]),
                    approve=True, acting_user=city.manager_a)
    done = client.get(f"{API}/counter-transactions/{pending.json()['id']}").json()
    assert done["status"] == "posted" and done["receipt"]["balance_after"] == 2_000_000_00

    fund_capital(city.coop_a)
    member.refresh_from_db()
    loan = disbursed_loan(city, member)
    paid = _post(client, f"{session}/loan-repayments",
                 {"loan_id": loan.pk, "amount": 1_150_000_00}, key="l1")
    assert paid.status_code == 201, paid.content
    assert (paid.json()["receipt"]["balance_label"], paid.json()["receipt"]["balance_after"]) == (
        "Sisa pinjaman", 9_000_000_00)
    moved = _post(client, f"{session}/transfers", {"kind": "vault_out", "amount": 150_000_00},
                  key="t1")
    assert moved.status_code == 201 and moved.json()["receipt"] is None

    cash = client.get(f"{API}/drawer-sessions/current").json()["cash"]
    admission = CounterTransaction.objects.get(kind="admission").amount
    assert cash == (5_000_000_00 + admission + 8_000_000_00 - 6_000_000_00 + 1_150_000_00
                    - 150_000_00)
    notes, rest = divmod(cash, 100_000_00)
    count = {"k100000": notes, "k50000": rest // 50_000_00, "k20000": 0}
    closed = _post(client, f"{session}/close", {"count": count}, key="c1")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["difference"]) == ("closed", 0)
    before = writes()
    again = _post(client, f"{session}/close", {"count": count}, key="c1")
    assert again.status_code == 200 and again.json()["id"] == closed.json()["id"]
    assert writes() == before
    detail = client.get(session).json()
    assert [t["kind"] for t in detail["transactions"]] == [
        "opening", "admission", "deposit", "withdrawal", "loan_repayment", "vault_out",
        "closing"]
    assert verify_cooperative(city.coop_a).ok


def test_a_refusal_is_json_with_its_code_and_writes_nothing(city, session_a, siti):
    client = _client(city.teller_a)
    before = writes()
    response = _post(client, f"{API}/drawer-sessions/{session_a.pk}/withdrawals",
                     {"account_number": siti.number, "amount": 1_00}, key="x")
    assert response.status_code == 422
    assert response.json()["code"] == "SAVINGS_INSUFFICIENT"
    bad = _post(client, f"{API}/drawer-sessions/{session_a.pk}/close",
                {"count": {"k123": 1}}, key="y")
    assert (bad.status_code, bad.json()["code"]) == (422, "TELLER_BAD_COUNT")
    assert writes() == before


def test_another_tellers_session_is_refused(city, session_a, siti):
    from tests.conftest import _staff

    other = _staff(city.coop_a, "teller-a2", "teller")
    before = writes()
    response = _post(_client(other), f"{API}/drawer-sessions/{session_a.pk}/deposits",
                     {"account_number": siti.number, "amount": 100_000_00}, key="o")
    assert (response.status_code, response.json()["code"]) == (422, "TELLER_NOT_YOUR_DRAWER")
    assert writes() == before


@pytest.mark.parametrize("user", ["auditor_a", "accountant_a", "analyst_a"])
def test_roles_without_counter_work_are_refused_and_nothing_is_written(city, session_a, siti,
                                                                      user):
    client = _client(getattr(city, user))
    before = writes()
    path = f"{API}/drawer-sessions/{session_a.pk}"
    for suffix, body in [
        ("/deposits", {"account_number": siti.number, "amount": 100_000_00}),
        ("/withdrawals", {"account_number": siti.number, "amount": 1_00}),
        ("/transfers", {"kind": "vault_out", "amount": 1_00}),
        ("/close", {"count": {}}),
    ]:
        response = _post(client, path + suffix, body, key="r")
        assert response.status_code == 403, (suffix, response.content)
        assert response.json()["code"] == "PERMISSION_DENIED"
    assert _post(client, f"{API}/drawer-sessions", {"drawer_id": session_a.drawer_id,
                                                    "float_amount": 0}).status_code == 403
    assert writes() == before


def test_dinas_reads_the_drawers_and_is_audited(city, session_a):
    client = _client(city.analyst_a)
    drawers = client.get(f"{API}/drawers").json()
    assert [d["session_id"] for d in drawers if d["name"] == "Laci 1"] == [session_a.pk]
    assert AuditEvent.objects.filter(actor=city.analyst_a,
                                     action="supervision.read.teller_drawers").count() == 1


def test_another_cooperative_gets_404_and_nothing_is_written(city, session_a, siti):
    client = _client(city.teller_b)
    before = writes()
    record = CounterTransaction.objects.get(kind="admission")
    assert client.get(f"{API}/drawers").status_code == 404
    assert client.get(f"{API}/counter-transactions/{record.pk}").status_code == 404
    assert _post(client, f"{API}/drawer-sessions/{session_a.pk}/deposits",
                 {"account_number": siti.number, "amount": 1_00}).status_code == 404
    # Through their own cooperative: A's session and A's account are not found.
    other = "/api/v1/cooperatives/kspps-b"
    assert _post(client, f"{other}/drawer-sessions/{session_a.pk}/deposits",
                 {"account_number": siti.number, "amount": 1_00}).status_code == 404
    assert client.get(f"{other}/counter-transactions/{record.pk}").status_code == 404
    assert writes() == before


def test_the_openapi_document_names_the_idempotency_key(city):
    spec = _client(city.teller_a).get("/api/v1/openapi.json").json()
    path = spec["paths"]["/api/v1/cooperatives/{code}/drawer-sessions/{session_id}/deposits"]
    headers = [p["name"] for p in path["post"]["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
