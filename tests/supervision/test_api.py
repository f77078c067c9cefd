"""The Dinas API (/api/v1/dinas/{office}/...): read-only, the office's own registry only, every
answered read audited; another office (or a cooperative's staff) gets a 404 and nothing is
written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lumbung.audit.models import AuditEvent
from lumbung.supervision.health import rating_save
from lumbung.supervision.models import (
    Alert,
    HealthRating,
    PeriodFigures,
    RegistryChange,
    RegistryEntry,
)
from lumbung.supervision.registry import registry_entry_for_cooperative, registry_entry_save
from lumbung.supervision.warnings import alerts_refresh
from tests.web.conftest import client_for

OCT, SEP = dt.date(2026, 10, 31), dt.date(2026, 9, 30)
API = "/api/v1/dinas/kota-pekalongan"


def _figures(entry, period, **values):
    return PeriodFigures.objects.create(office=entry.office, entry=entry, period=period,
                                        as_of=period, source="unggah", **values)


@pytest.fixture
def sector(dinas):
    """Two cooperatives of Pekalongan (one on the platform) and one of Tangerang."""
    live = registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    paper = registry_entry_save(office=dinas.office, entry=None, raw={
        "code": "bmt-kertas", "name": "BMT Kertas", "kind": "BMT", "kecamatan": "Barat",
        "nik_koperasi": "3375010000000001", "nik_valid_until": "2025-01-31",
        "chair_name": "Siti", "chair_phone": "081234567890"}, acting_user=dinas.analyst)
    registry_entry_save(office=dinas.city.office_b, entry=None, raw={
        "code": "ksp-tangerang", "name": "KSP Tangerang", "kind": "KSP"}, acting_user=None)
    _figures(live, OCT, total_assets=1_000_000_00, member_savings=600_000_00,
             loans_outstanding=800_000_00, loans_substandard=40_000_00, loans_doubtful=20_000_00,
             loans_loss=20_000_00, cash=50_000_00, cash_and_bank=100_000_00,
             current_liabilities=400_000_00, total_liabilities=700_000_00, equity=300_000_00,
             shu=5_000_00, members_male=10, members_female=30)
    _figures(paper, OCT, total_assets=3_000_000_00, member_savings=2_000_000_00,
             loans_outstanding=1_200_000_00, cash=-1_00, cash_and_bank=300_000_00,
             current_liabilities=600_000_00, total_liabilities=2_500_000_00, equity=500_000_00,
             shu=-2_000_00, members_male=5, members_female=5)
    _figures(paper, SEP, total_assets=2_900_000_00, member_savings=1_900_000_00,
             loans_outstanding=1_100_000_00, equity=600_000_00)
    return live, paper


def _reads(user):
    return list(AuditEvent.objects.filter(actor=user, action__startswith="supervision.api.")
                .order_by("pk").values_list("action", "cooperative_id"))


def test_the_registry_lists_the_offices_own_cooperatives(dinas, sector,
                                                        django_assert_max_num_queries):
    client = client_for(dinas.facilitator)
    with django_assert_max_num_queries(10):
        body = client.get(f"{API}/registry").json()
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert [(row["code"], row["on_platform"]) for row in body["results"]] == [
        ("bmt-kertas", False), ("ksp-a", True)]
    assert client.get(f"{API}/registry?kind=BMT").json()["count"] == 1
    assert client.get(f"{API}/registry?q=amanah").json()["results"][0]["code"] == "ksp-a"
    for n in range(5):
        registry_entry_save(office=dinas.office, entry=None, raw={
            "code": f"ksp-{n}", "name": f"KSP {n}", "kind": "KSP"}, acting_user=None)
    with django_assert_max_num_queries(10):
        assert client.get(f"{API}/registry").json()["count"] == 7


def test_a_cooperatives_detail_and_figures_are_audited_reads(dinas, sector):
    client = client_for(dinas.analyst)
    detail = client.get(f"{API}/registry/bmt-kertas").json()
    assert (detail["name"], detail["chair_phone"], detail["latest_period"]) == (
        "BMT Kertas", "081234567890", "2026-10-31")
    assert detail["nik_status"]["state"] == "expired"
    assert [(c["source"], c["actor"], c["changes"]["*"]) for c in detail["changes"]] == [
        ("formulir", "analis-a", ["", "dibuat"])]
    figures = client.get(f"{API}/registry/bmt-kertas/figures").json()
    assert [row["period"] for row in figures] == ["2026-10-31", "2026-09-30"]
    assert figures[0]["figures"]["total_assets"] == 3_000_000_00
    # Cash and bank over current liabilities: 300,000 / 600,000 = 50 %.
    assert Decimal(figures[0]["ratios"]["liquid_to_current_liabilities"]) == Decimal("50.00")
    client.get(f"{API}/registry/ksp-a")
    assert _reads(dinas.analyst) == [
        ("supervision.api.registry_entry", None), ("supervision.api.figures", None),
        ("supervision.api.registry_entry", dinas.city.coop_a.pk)]


def test_the_consolidated_figures_by_hand(dinas, sector):
    body = client_for(dinas.analyst).get(f"{API}/consolidation").json()
    assert (body["period"], body["periods"], body["registered"]) == (
        "2026-10-31", ["2026-09-30", "2026-10-31"], 2)
    totals = body["totals"]
    assert (totals["reporting"], totals["total_assets"], totals["member_savings"]) == (
        2, 4_000_000_00, 2_600_000_00)
    # NPL only over the cooperative that reports loan classes: 80,000 / 800,000 = 10 %.
    assert Decimal(totals["npl"]) == Decimal("10.00")
    # Liquidity (100,000 + 300,000) / (400,000 + 600,000) = 40 %.
    assert Decimal(totals["liquidity"]) == Decimal("40.00")
    assert (totals["members"], totals["shu"]) == (50, 3_000_00)
    assert {row["group"]: row["total_assets"] for row in body["groups"]["jenis"]} == {
        "KSP": 1_000_000_00, "BMT": 3_000_000_00}
    assert [(row["period"], row["total_assets"]) for row in body["trend"]] == [
        ("2026-09-30", 2_900_000_00), ("2026-10-31", 4_000_000_00)]
    september = client_for(dinas.analyst).get(f"{API}/consolidation?period=2026-09-30").json()
    assert september["totals"]["total_assets"] == 2_900_000_00


def test_the_ods_aggregate(dinas, sector):
    body = client_for(dinas.analyst).get(f"{API}/ods").json()
    rows = {row["code"]: row for row in body["rows"]}
    assert body["period"] == "2026-10-31"
    assert (rows["bmt-kertas"]["equity"], rows["bmt-kertas"]["total_liabilities"]) == (
        500_000_00, 2_500_000_00)
    assert (rows["ksp-a"]["members_male"], rows["ksp-a"]["members_female"]) == (10, 30)


def test_ratings_worst_first_and_one_rating_in_full(dinas, sector):
    live, _ = sector
    saved = rating_save(entry=live, period=OCT, ruleset_name=None, checklist={},
                        acting_user=dinas.analyst)
    client = client_for(dinas.analyst)
    body = client.get(f"{API}/ratings").json()
    assert body["period"] == "2026-10-31"
    scores = [Decimal(row["final_score"]) for row in body["results"]]
    assert scores == sorted(scores)
    by_code = {row["code"]: row for row in body["results"]}
    assert (by_code["ksp-a"]["basis"], by_code["ksp-a"]["rating_id"]) == ("examiner", saved.pk)
    assert Decimal(by_code["ksp-a"]["final_score"]) == saved.final_score
    assert (by_code["bmt-kertas"]["basis"], by_code["bmt-kertas"]["ruleset"]) == (
        "ratios", "perdep-07-2016-kspps")
    detail = client.get(f"{API}/ratings/{saved.pk}").json()
    assert (detail["code"], detail["category"]) == ("ksp-a", saved.category)
    assert detail["result"]["unconfirmed"] == saved.result["unconfirmed"] != []
    pdf = client.get(f"{API}/ratings/{saved.pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert ("supervision.api.rating_pdf", dinas.city.coop_a.pk) in _reads(dinas.analyst)


def test_alerts_ranked_with_reasons(dinas, sector):
    alerts_refresh(office=dinas.office, today=dt.date(2026, 11, 23), acting_user=dinas.analyst)
    expected = list(Alert.objects.filter(office=dinas.office).order_by(
        "-severity", "entry__name", "pk").values_list("entry__code", "rule", "reason"))
    assert expected  # the negative cash of bmt-kertas raises one at least
    body = client_for(dinas.facilitator).get(f"{API}/alerts").json()
    assert [(row["code"], row["rule"], row["reason"]) for row in body] == expected
    assert client_for(dinas.facilitator).get(f"{API}/alerts?status=selesai").json() == []
    assert client_for(dinas.facilitator).get(f"{API}/alerts?status=x").status_code == 422


def test_rollout_progress(dinas, sector):
    body = client_for(dinas.facilitator).get(f"{API}/rollout").json()
    assert body["total"] == 2 and [n for _, n in body["funnel"]] == [0, 0, 0, 0]


@pytest.mark.parametrize(("name", "content_type", "magic"), [
    ("registry.xlsx", "spreadsheetml", b"PK"), ("consolidation.xlsx", "spreadsheetml", b"PK"),
    ("ods.xlsx", "spreadsheetml", b"PK"), ("briefing.pdf", "application/pdf", b"%PDF")])
def test_the_exports(dinas, sector, name, content_type, magic):
    response = client_for(dinas.analyst).get(f"{API}/exports/{name}")
    assert response.status_code == 200 and content_type in response["Content-Type"]
    assert response.content.startswith(magic)
    if name == "registry.xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == [
            "bmt-kertas", "ksp-a"]
    assert _reads(dinas.analyst) == [("supervision.api.export", None)]


def test_the_offices_of_the_caller(dinas, sector):
    assert client_for(dinas.facilitator).get("/api/v1/dinas").json() == [{
        "code": "kota-pekalongan", "name": "Dinas Koperasi Kota Pekalongan",
        "jurisdiction": "Kota Pekalongan", "province": "Jawa Tengah", "roles": ["pendamping"]}]
    assert client_for(dinas.city.teller_a).get("/api/v1/dinas").json() == []


def _everything():
    return (AuditEvent.objects.count(), RegistryEntry.objects.count(),
            RegistryChange.objects.count(), PeriodFigures.objects.count(),
            HealthRating.objects.count(), Alert.objects.count())


def test_another_office_and_cooperative_staff_get_404_and_nothing_is_written(dinas, sector):
    live, _ = sector
    saved = rating_save(entry=live, period=OCT, ruleset_name=None, checklist={},
                        acting_user=dinas.analyst)
    alerts_refresh(office=dinas.office, today=dt.date(2026, 11, 23), acting_user=dinas.analyst)
    paths = ["registry", "registry/ksp-a", "registry/bmt-kertas/figures", "consolidation",
             "ods", "ratings", f"ratings/{saved.pk}", f"ratings/{saved.pk}/pdf", "alerts",
             "rollout", "exports/briefing.pdf", "exports/registry.xlsx"]
    before = _everything()
    for user in (dinas.other_analyst, dinas.city.teller_a, dinas.city.manager_a):
        client = client_for(user)
        for path in paths:
            response = client.get(f"{API}/{path}")
            assert response.status_code == 404, (user, path)
            assert response.json()["code"] == "NOT_FOUND"
    # Tangerang's own analyst cannot reach Pekalongan's entries through Tangerang's office.
    other = client_for(dinas.other_analyst)
    for path in ("registry/ksp-a", "registry/bmt-kertas/figures", f"ratings/{saved.pk}"):
        assert other.get(f"/api/v1/dinas/kota-tangerang/{path}").status_code == 404
    assert [row["code"] for row in other.get("/api/v1/dinas/kota-tangerang/registry").json()[
        "results"]] == ["ksp-tangerang"]
    # The Tangerang registry read above is Tangerang's own, audited under its office.
    assert _everything()[1:] == before[1:]
    assert AuditEvent.objects.count() == before[0] + 1
    assert AuditEvent.objects.latest("pk").office_id == dinas.city.office_b.pk
    assert client_for(dinas.analyst).get(f"{API}/registry/ksp-tangerang").status_code == 404


def test_it_is_read_only_and_needs_a_login(dinas, sector, client):
    before = _everything()
    assert client.get(f"{API}/registry").status_code == 401
    analyst = client_for(dinas.analyst)
    for path in ("registry", "registry/ksp-a", "alerts", "consolidation"):
        for method in (analyst.post, analyst.put, analyst.patch, analyst.delete):
            assert method(f"{API}/{path}", data="{}",
                          content_type="application/json").status_code == 405
    assert _everything() == before
