"""The JSON API: right user succeeds, other tenants get 404, refused writes write nothing."""

from __future__ import annotations

import json

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.ledger.services import LineSpec, journal_entry_post

SMALL_ENTRY = {
    "description": "Bayar listrik",
    "lines": [{"account": "5306", "debit": 350_000_00}, {"account": "1101", "credit": 350_000_00}],
}
LARGE_ENTRY = {
    "description": "Beli kendaraan",
    "lines": [{"account": "1303", "debit": 45_000_000_00}, {"account": "1102", "credit": 45_000_000_00}],
}


def _post(client, code, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/cooperatives/{code}/journal", data=json.dumps(body),
                       content_type="application/json", **headers)


@pytest.fixture
def posted(city):
    return journal_entry_post(
        cooperative=city.coop_a, description="Modal awal",
        lines=[LineSpec("1101", debit=10_000_000_00), LineSpec("3103", credit=10_000_000_00)],
        acting_user=city.accountant_a,
    )


def test_it_lists_only_the_users_cooperatives(client, city):
    client.force_login(city.teller_b)
    response = client.get("/api/v1/cooperatives")
    assert response.status_code == 200
    assert [c["code"] for c in response.json()] == ["kspps-b"]


def test_it_requires_login(client, city):
    assert client.get("/api/v1/cooperatives").status_code == 401


def test_it_returns_the_trial_balance_in_sen(client, city, posted):
    client.force_login(city.accountant_a)
    response = client.get("/api/v1/cooperatives/ksp-a/trial-balance")
    assert response.status_code == 200
    body = response.json()
    assert body["total_debit"] == body["total_credit"] == 10_000_000_00
    assert body["lines"] == [
        {"account": "1101", "name": "Kas", "debit": 10_000_000_00, "credit": 0},
        {"account": "3103", "name": "Modal penyetaraan", "debit": 0, "credit": 10_000_000_00},
    ]


@pytest.mark.parametrize("path", ["trial-balance", "journal", "journal/1"])
def test_another_cooperatives_data_is_a_404(client, city, posted, path):
    client.force_login(city.teller_b)
    response = client.get(f"/api/v1/cooperatives/ksp-a/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_the_dinas_analyst_reads_its_cooperatives_and_each_read_is_audited(client, city, posted):
    client.force_login(city.analyst_a)
    before = AuditEvent.objects.filter(action__startswith="supervision.read").count()
    assert client.get("/api/v1/cooperatives/ksp-a/journal/1").json()["hash"] == posted.hash
    assert AuditEvent.objects.filter(action="supervision.read.journal_entry",
                                     actor=city.analyst_a).count() == before + 1
    assert client.get("/api/v1/cooperatives/kspps-b/journal").status_code == 404


def test_the_accountant_posts_within_the_limit_and_a_retry_returns_the_same_entry(client, city):
    client.force_login(city.accountant_a)
    first = _post(client, "ksp-a", SMALL_ENTRY, key="abc-1")
    again = _post(client, "ksp-a", SMALL_ENTRY, key="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["entry"]["number"] == again.json()["entry"]["number"] == 1
    assert JournalEntry.objects.filter(cooperative=city.coop_a).count() == 1


def test_above_the_limit_it_waits_for_approval_and_a_retry_does_not_duplicate(client, city):
    client.force_login(city.accountant_a)
    first = _post(client, "ksp-a", LARGE_ENTRY, key="big-1")
    again = _post(client, "ksp-a", LARGE_ENTRY, key="big-1")
    assert first.status_code == again.status_code == 202
    assert first.json()["approval"]["id"] == again.json()["approval"]["id"]
    assert ApprovalRequest.objects.count() == 1
    assert JournalEntry.objects.count() == 0


def test_a_bad_entry_is_refused_with_its_code_and_writes_nothing(client, city):
    client.force_login(city.accountant_a)
    body = {"description": "x", "lines": [{"account": "1101", "debit": 100},
                                          {"account": "3103", "credit": 90}]}
    response = _post(client, "ksp-a", body)
    assert response.status_code == 422
    assert response.json()["code"] == "LEDGER_UNBALANCED"
    assert "tidak seimbang" in response.json()["message"]
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize("who", ["teller_a", "auditor_a", "analyst_a"])
def test_users_without_a_bookkeeping_role_cannot_post(client, city, who):
    client.force_login(getattr(city, who))
    response = _post(client, "ksp-a", SMALL_ENTRY)
    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert JournalEntry.objects.count() == 0
    assert ApprovalRequest.objects.count() == 0


def test_posting_into_another_cooperative_is_a_404_and_writes_nothing(client, city):
    client.force_login(city.teller_b)
    response = _post(client, "ksp-a", SMALL_ENTRY)
    assert response.status_code == 404
    assert JournalEntry.objects.count() == 0


def test_the_openapi_document_is_served(client, city):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/cooperatives/{code}/journal" in response.json()["paths"]


def test_the_interactive_docs_load_nothing_from_outside(client, city):
    client.force_login(city.accountant_a)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page


def test_the_journal_list_costs_the_same_queries_for_1_or_20_entries(client, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(city.accountant_a)
    _post(client, "ksp-a", SMALL_ENTRY)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/cooperatives/ksp-a/journal")
    for _ in range(19):
        _post(client, "ksp-a", SMALL_ENTRY)
    with CaptureQueriesContext(connection) as twenty:
        body = client.get("/api/v1/cooperatives/ksp-a/journal").json()
    assert len(body) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)
    assert [line["line_no"] for line in body[0]["lines"]] == [1, 2]


def test_a_line_cannot_name_a_subledger_through_the_api(client, city):
    client.force_login(city.accountant_a)
    body = {"description": "x", "lines": [{"account": "1101", "debit": 100},
                                          {"account": "2101", "credit": 100}]}
    response = _post(client, "ksp-a", body)
    assert response.status_code == 422
    assert response.json()["code"] == "LEDGER_MANUAL_SUBLEDGER"
    assert JournalEntry.objects.count() == 0
