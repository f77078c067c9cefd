"""The reports API: statements as JSON, close, year-end, SHU and RAT; tenants and roles."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import AccountingPeriod, JournalEntry, SubledgerBalance
from lumbung.ledger.services import checkpoint_create
from lumbung.reports.models import RatMeeting, ShuPlan, YearEndClosing
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff
from tests.reports.conftest import cr, dr, post

D = dt.date
API = "/api/v1/cooperatives/ksp-a"
SPLIT = {"reserve": "40", "capital_services": "20", "business_services": "20", "board": "5",
         "staff": "5", "education": "5", "social": "5", "regional": "0"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, method: str, path: str, body: object = None):
    if method == "get":
        return client.get(f"{API}/{path}")
    return getattr(client, method)(f"{API}/{path}", data=json.dumps(body or {}),
                                   content_type="application/json")


@pytest.fixture
def board(city):
    return _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)


def _written() -> tuple[int, ...]:
    return (JournalEntry.objects.count(), AccountingPeriod.objects.count(),
            YearEndClosing.objects.count(), ShuPlan.objects.count(), RatMeeting.objects.count())


def test_it_serves_each_statement_as_json_with_its_checks(books, city):
    client = _client(city.teller_a)
    names = client.get(f"{API}/reports").json()
    assert names["balance-sheet"] == "Laporan Posisi Keuangan (Neraca)"
    assert len(names) == 7
    for name in names:
        body = client.get(f"{API}/reports/{name}",
                          {"start": "2026-01-01", "end": "2026-11-20"}).json()
        assert (body["report"], body["unit"], body["ties_out"]) == (name, "sen", True), name
    phu = client.get(f"{API}/reports/surplus-statement",
                     {"start": "2026-01-01", "end": "2026-11-20"}).json()
    surplus = next(line for line in phu["lines"] if line["key"] == "surplus_after_tax")
    # Hand-worked in conftest: interest 400.000 less electricity 50.000 and tax 35.000; the
    # 2025 column (1 Jan - 20 Nov 2025) has no income or expense yet.
    assert surplus["values"] == [315_000_00, 0]
    ledger = client.get(f"{API}/reports/general-ledger",
                        {"start": "2026-01-01", "end": "2026-11-20", "account": "4101"}).json()
    assert [line["values"][1] for line in ledger["lines"] if line["kind"] == "account"] == [
        300_000_00, 100_000_00]


def test_it_refuses_a_bad_period_or_report_with_a_code(books, city):
    client = _client(city.accountant_a)
    reversed_period = client.get(f"{API}/reports/balance-sheet",
                                 {"start": "2026-05-01", "end": "2026-04-01"})
    assert (reversed_period.status_code, reversed_period.json()["code"]) == (
        422, "REPORT_BAD_PERIOD")
    unknown = client.get(f"{API}/reports/nope")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "REPORT_UNKNOWN")
    bad_month = _send(client, "post", "periods/2025-13/close")
    assert (bad_month.status_code, bad_month.json()["code"]) == (422, "BAD_DATE")


def test_closing_names_each_failing_check_and_writes_nothing(books, city):
    post(books, D(2025, 1, 20), dr("1190", 5_000_00), cr("1101", 5_000_00), text="selisih")
    client = _client(city.accountant_a)
    checks = {c["name"]: c for c in client.get(f"{API}/periods/2025-01/close-checks").json()}
    assert not checks["ledger.eod_done"]["ok"] and not checks["ledger.suspense_empty"]["ok"]
    assert checks["ledger.approvals_decided"]["ok"]
    before = _written()
    refused = _send(client, "post", "periods/2025-01/close")
    assert refused.status_code == 422
    assert refused.json()["code"] == "REPORT_CLOSE_CHECKS_FAILED"
    assert "EOD tanggal 2025-01-31" in refused.json()["message"]
    assert "1190" in refused.json()["message"]
    assert _written() == before


def test_the_accountant_closes_and_only_the_board_reopens(books, city, board):
    checkpoint_create(cooperative=books, date=D(2025, 1, 31), acting_user=None)
    teller = _send(_client(city.teller_a), "post", "periods/2025-01/close")
    assert (teller.status_code, teller.json()["code"]) == (403, "PERMISSION_DENIED")
    assert not AccountingPeriod.objects.exists()
    closed = _send(_client(city.accountant_a), "post", "periods/2025-01/close")
    assert closed.status_code == 200
    assert (closed.json()["month"], closed.json()["closed"]) == ("2025-01", True)
    manager = _send(_client(city.manager_a), "post", "periods/2025-01/reopen",
                    {"reason": "koreksi"})
    assert manager.status_code == 403
    assert AccountingPeriod.objects.get().closed_at is not None
    reopened = _send(_client(board), "post", "periods/2025-01/reopen", {"reason": "koreksi"})
    assert reopened.status_code == 200
    assert (reopened.json()["closed"], reopened.json()["reopen_count"]) == (False, 1)


def test_other_tenants_get_404_and_the_dinas_reads_only(books, city):
    outsider = _client(city.teller_b)
    before = _written()
    for method, path in (("get", "reports/balance-sheet"), ("get", "periods/2025-01/close-checks"),
                         ("post", "periods/2025-01/close"), ("post", "years/2025/closing"),
                         ("get", "shu/2025"), ("put", "shu/2025/plan"),
                         ("post", "shu/2025/approval"), ("post", "shu/2025/distribution"),
                         ("get", "rat/2025/package"), ("get", "shu/2025/members/1/slip")):
        response = _send(outsider, method, path, SPLIT if path.endswith("plan") else None)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "NOT_FOUND"
    put = _send(outsider, "put", "rat/2025", {"held_on": "2026-03-01"})
    assert put.status_code == 404
    assert _written() == before
    analyst = _client(city.analyst_a)
    assert analyst.get(f"{API}/reports/balance-sheet").status_code == 200
    assert AuditEvent.objects.filter(actor=city.analyst_a,
                                     action="supervision.read.reports").count() == 1
    for method, path, body in (("post", "years/2025/closing", None),
                               ("put", "shu/2025/plan", SPLIT),
                               ("put", "rat/2025", {"held_on": "2026-03-01"})):
        assert _send(analyst, method, path, body).status_code == 403, path
    assert _written() == before


def test_the_year_end_shu_and_rat_flow(books, city, board):
    accountant = _client(city.accountant_a)
    teller = _send(_client(city.teller_a), "post", "years/2025/closing")
    assert teller.status_code == 403 and not YearEndClosing.objects.exists()
    closed = _send(accountant, "post", "years/2025/closing")
    assert closed.status_code == 201
    assert (closed.json()["surplus"], closed.json()["date"]) == (400_000_00, "2025-12-31")
    again = _send(accountant, "post", "years/2025/closing")
    assert again.json()["code"] == "REPORT_YEAR_ALREADY_CLOSED"
    assert YearEndClosing.objects.count() == 1

    assert accountant.get(f"{API}/shu/2025").json()["code"] == "SHU_NO_PLAN"
    wrong = _send(accountant, "put", "shu/2025/plan", {**SPLIT, "reserve": "39.5"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "SHU_SPLIT_NOT_100")
    assert not ShuPlan.objects.exists()
    teller_plan = _send(_client(city.teller_a), "put", "shu/2025/plan", SPLIT)
    assert teller_plan.status_code == 403 and not ShuPlan.objects.exists()
    saved = _send(accountant, "put", "shu/2025/plan", SPLIT)
    assert saved.status_code == 200
    body = saved.json()
    assert body["pool"] == 400_000_00
    assert sum(body["components"].values()) == body["pool"]
    assert [(m["member_id"], m["capital"], m["business"]) for m in body["members"]] == [
        (1, 48_000_00, 80_000_00), (2, 32_000_00, 0)]
    page = accountant.get(f"{API}/shu/2025", {"offset": 1, "limit": 1}).json()
    assert [m["member_id"] for m in page["members"]] == [2] and page["members_count"] == 2

    before = JournalEntry.objects.count()
    early = _send(accountant, "post", "shu/2025/distribution")
    assert early.json()["code"] == "SHU_NOT_APPROVED"
    self_approval = _send(accountant, "post", "shu/2025/approval")
    assert self_approval.status_code == 403
    approved = _send(_client(board), "post", "shu/2025/approval")
    assert approved.status_code == 200 and approved.json()["approved"]
    by_board = _send(_client(board), "post", "shu/2025/distribution")
    assert by_board.status_code == 403
    assert JournalEntry.objects.count() == before
    done = _send(accountant, "post", "shu/2025/distribution")
    assert done.status_code == 200 and done.json()["distributed"]
    twice = _send(accountant, "post", "shu/2025/distribution")
    assert twice.json()["code"] == "SHU_ALREADY_DISTRIBUTED"
    payable = {s.ref: s.credit - s.debit for s in SubledgerBalance.objects.filter(
        cooperative=books, account__code="2116")}
    assert payable == {"member:1": 128_000_00, "member:2": 32_000_00}

    slip = accountant.get(f"{API}/shu/2025/members/1/slip")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF")
    assert accountant.get(f"{API}/shu/2025/members/999/slip").status_code == 404
    bad_date = _send(accountant, "put", "rat/2025", {"held_on": "2025-12-01"})
    assert bad_date.json()["code"] == "RAT_BAD_DATE" and not RatMeeting.objects.exists()
    recorded = _send(accountant, "put", "rat/2025", {"held_on": "2026-03-14", "place": "Balai"})
    assert recorded.json() == {"year": 2025, "held_on": "2026-03-14"}
    assert accountant.get(f"{API}/rat/2025").json()["held_on"] == "2026-03-14"
    package = accountant.get(f"{API}/rat/2025/package")
    assert package["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "RAT-ksp-a-2025/pembagian-shu-2025.xlsx" in names
    not_ended = accountant.get(f"{API}/rat/2026/package")
    assert not_ended.json()["code"] == "REPORT_YEAR_NOT_ENDED"
