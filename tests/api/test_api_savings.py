"""The members and savings API: masked personal data, idempotent deposits, approvals, tenants."""

from __future__ import annotations

import json

from django.test import Client

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.members.models import Member
from lumbung.savings.selectors import account_balance
from tests.savings.conftest import RUPIAH, account_of, admit

NIK = "3375015708850077"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/cooperatives/{path}", data=json.dumps(body),
                       content_type="application/json", **headers)


def test_a_teller_registers_a_member_and_sees_the_nik_masked(city):
    client = _client(city.teller_a)
    response = _post(client, "ksp-a/members", {
        "nik": NIK, "name": "Dewi Lestari", "birth_date": "1985-08-17", "gender": "P",
        "kelurahan": "Noyontaan", "phone": "081234567890"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["nik_masked"], body["phone_masked"]) == (
        "calon", "3375********0077", "0812*****890")
    assert NIK not in response.content.decode()
    found = client.get("/api/v1/cooperatives/ksp-a/members", {"q": "dewi"}).json()
    assert [m["name"] for m in found] == ["Dewi Lestari"]
    assert client.get("/api/v1/cooperatives/ksp-a/members", {"q": NIK}).json()[0]["id"] == (
        body["id"])


def test_a_bad_nik_is_refused_with_its_code_and_nothing_is_written(city):
    response = _post(_client(city.teller_a), "ksp-a/members", {
        "nik": "3375013208850001", "name": "Salah", "birth_date": "1985-08-17", "gender": "L"})
    assert response.status_code == 422
    assert response.json()["code"] == "MEMBER_NIK_INVALID"
    assert Member.objects.count() == 0


def test_deposits_are_idempotent_and_withdrawals_above_the_limit_wait(city):
    siti = admit(city.coop_a, city.teller_a)
    account = account_of(siti, "sukarela")
    client = _client(city.teller_a)
    path = f"ksp-a/savings-accounts/{account.number}"
    first = _post(client, f"{path}/deposits", {"amount": 8_000_000 * RUPIAH}, key="k1")
    again = _post(client, f"{path}/deposits", {"amount": 8_000_000 * RUPIAH}, key="k1")
    assert first.status_code == again.status_code == 201
    assert first.json()["entry_number"] == again.json()["entry_number"]
    assert account_balance(account) == 8_000_000 * RUPIAH
    big = _post(client, f"{path}/withdrawals", {"amount": 6_000_000 * RUPIAH}, key="k2")
    assert big.status_code == 202
    assert ApprovalRequest.objects.get().kind == "savings.withdrawal"
    small = _post(client, f"{path}/withdrawals", {"amount": 1_000_000 * RUPIAH}, key="k3")
    assert (small.status_code, small.json()["balance"]) == (201, 7_000_000 * RUPIAH)
    statement = client.get(f"/api/v1/cooperatives/{path}/transactions").json()
    assert [r["balance"] for r in statement["rows"]] == [8_000_000 * RUPIAH, 7_000_000 * RUPIAH]
    detail = client.get(f"/api/v1/cooperatives/ksp-a/members/{siti.member.pk}").json()
    assert {a["kind"]: a["balance"] for a in detail["accounts"]} == {
        "pokok": 100_000 * RUPIAH, "wajib": 50_000 * RUPIAH, "sukarela": 7_000_000 * RUPIAH}


def test_another_cooperative_gets_404_and_writes_nothing(city):
    siti = admit(city.coop_a, city.teller_a)
    account = account_of(siti, "sukarela")
    entries = JournalEntry.objects.count()
    client = _client(city.teller_b)
    assert client.get(f"/api/v1/cooperatives/ksp-a/members/{siti.member.pk}").status_code == 404
    response = _post(client, f"ksp-a/savings-accounts/{account.number}/deposits",
                     {"amount": 100_000 * RUPIAH})
    assert response.status_code == 404
    # B's own URL with A's account number: still not found.
    response = _post(client, f"kspps-b/savings-accounts/{account.number}/deposits",
                     {"amount": 100_000 * RUPIAH})
    assert response.status_code == 404
    assert JournalEntry.objects.count() == entries


def test_the_wrong_role_gets_403_and_the_dinas_reads_are_audited(city):
    siti = admit(city.coop_a, city.teller_a)
    account = account_of(siti, "sukarela")
    entries = JournalEntry.objects.count()
    response = _post(_client(city.auditor_a), f"ksp-a/savings-accounts/{account.number}/deposits",
                     {"amount": 100_000 * RUPIAH})
    assert (response.status_code, response.json()["code"]) == (403, "PERMISSION_DENIED")
    analyst = _client(city.analyst_a)
    assert analyst.get("/api/v1/cooperatives/ksp-a/members").status_code == 200
    assert _post(analyst, "ksp-a/members", {"nik": NIK, "name": "X", "birth_date": "1985-08-17",
                                            "gender": "P"}).status_code == 403
    assert AuditEvent.objects.filter(actor=city.analyst_a,
                                     action="supervision.read.members").count() == 1
    assert JournalEntry.objects.count() == entries
    assert Member.objects.count() == 1
