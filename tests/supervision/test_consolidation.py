"""The consolidated view: totals and groups by hand, drill-down, exports, query counts, access."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lumbung.supervision.models import PeriodFigures, RegistryEntry
from lumbung.supervision.registry import registry_entry_save
from lumbung.supervision.selectors import consolidation
from tests.web.conftest import client_for

SEP, OCT = dt.date(2026, 9, 30), dt.date(2026, 10, 31)


def _entry(dinas, code, kind, kecamatan, region="Timur"):
    return registry_entry_save(office=dinas.office, entry=None, raw={
        "code": code, "name": code.upper(), "kind": kind, "kecamatan": kecamatan,
        "region_label": region}, acting_user=dinas.analyst)


def _figures(entry, period, **values):
    base = {"total_assets": 0, "member_savings": 0, "loans_outstanding": 0, "equity": 0, "shu": 0,
                "cash_and_bank": 0, "current_liabilities": 0, "members_male": 0, "members_female": 0}
    return PeriodFigures.objects.create(office=entry.office, entry=entry, period=period,
                                        as_of=period, source="unggah", **{**base, **values})


@pytest.fixture
def sector(dinas):
    a = _entry(dinas, "ksp-1", "KSP", "Barat")
    b = _entry(dinas, "ksp-2", "KSP", "Timur")
    c = _entry(dinas, "bmt-3", "BMT", "Barat", region="")
    _figures(a, OCT, total_assets=1_000_00, loans_outstanding=800_00, loans_substandard=40_00,
             loans_doubtful=20_00, loans_loss=20_00, cash_and_bank=100_00,
             current_liabilities=400_00, members_male=10, members_female=30, shu=5_00)
    _figures(b, OCT, total_assets=3_000_00, loans_outstanding=1_200_00, cash_and_bank=300_00,
             current_liabilities=600_00, members_male=5, members_female=5, shu=-2_00)
    _figures(c, OCT, total_assets=500_00, loans_outstanding=200_00, loans_substandard=0,
             loans_doubtful=0, loans_loss=10_00, members_female=7)
    _figures(a, SEP, total_assets=900_00)
    return a, b, c


def test_totals_and_groups_by_hand(dinas, sector):
    data = consolidation(dinas.office)
    assert data.period == OCT and data.periods == [SEP, OCT] and data.registered == 3
    totals = data.totals
    assert (totals["reporting"], totals["total_assets"], totals["loans_outstanding"]) == (
        3, 4_500_00, 2_200_00)
    # NPL only over cooperatives reporting classes: (80 + 10) / (800 + 200) = 9 %.
    assert totals["npl"] == Decimal("9.00")
    # Liquidity (100 + 300) / (400 + 600) = 40 %.
    assert totals["liquidity"] == Decimal("40.00")
    assert (totals["members"], totals["shu"]) == (57, 3_00)
    by_kind = {row["group"]: row for row in data.groups["jenis"]}
    assert by_kind["KSP"]["total_assets"] == 4_000_00 and by_kind["BMT"]["reporting"] == 1
    assert by_kind["KSP"]["npl"] == Decimal("10.00")
    assert [row["group"] for row in data.groups["kecamatan"]] == ["Timur", "Barat"]
    assert [(row["period"], row["total_assets"]) for row in data.trend] == [
        (SEP, 900_00), (OCT, 4_500_00)]
    assert consolidation(dinas.office, SEP).totals["total_assets"] == 900_00
    # The dashboard's trend sums the chart's columns only; the export's has every total.
    assert "npl" not in data.trend[-1]
    full = consolidation(dinas.office, full_trend=True).trend
    assert [row["npl"] for row in full] == [None, Decimal("9.00")]
    assert [row["reporting"] for row in full] == [1, 3]


def test_the_dashboard_shows_the_sector_in_a_fixed_number_of_queries(
        dinas, sector, django_assert_max_num_queries):
    client = client_for(dinas.analyst)
    with django_assert_max_num_queries(14):
        page = client.get("/dinas/kota-pekalongan/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rp4.500" in html and "9,00 %" in html and "<svg" in html
    assert "3 dari 3 koperasi" in html
    for n in range(10):
        _figures(_entry(dinas, f"ksp-x{n}", "KSP", f"Kec {n}"), OCT, total_assets=1_00)
    with django_assert_max_num_queries(14):
        assert client.get("/dinas/kota-pekalongan/").status_code == 200


def test_drill_down_lists_the_cooperatives_of_a_group(dinas, sector):
    client = client_for(dinas.facilitator)
    page = client.get("/dinas/kota-pekalongan/konsolidasi/kecamatan/Barat/?periode=2026-10-31")
    html = page.content.decode()
    assert "KSP-1" in html and "BMT-3" in html and "KSP-2" not in html
    assert client.get("/dinas/kota-pekalongan/konsolidasi/wilayah/-/").content.decode().count(
        "BMT-3") == 1
    assert client.get("/dinas/kota-pekalongan/konsolidasi/jalan/x/").status_code == 404


def test_the_exports(dinas, sector):
    client = client_for(dinas.analyst)
    book = load_workbook(io.BytesIO(client.get("/dinas/kota-pekalongan/konsolidasi.xlsx").content))
    assert book.sheetnames == ["Ringkasan", "Jenis koperasi", "Kecamatan", "Wilayah", "Tren",
                               "Per koperasi"]
    assert book["Ringkasan"]["C4"].value == Decimal("4500")
    assert book["Per koperasi"].max_row == 4
    ods = load_workbook(io.BytesIO(client.get("/dinas/kota-pekalongan/ods.xlsx").content))["ODS"]
    last = [cell.value for cell in ods[ods.max_row]]
    assert last[0] == "JUMLAH" and last[7:9] == [15, 42]
    pdf = client.get("/dinas/kota-pekalongan/briefing.pdf")
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("url", [
    "/dinas/kota-pekalongan/", "/dinas/kota-pekalongan/konsolidasi/jenis/KSP/",
    "/dinas/kota-pekalongan/konsolidasi.xlsx", "/dinas/kota-pekalongan/ods.xlsx",
    "/dinas/kota-pekalongan/briefing.pdf", "/dinas/kota-pekalongan/laporan/",
    "/dinas/kota-pekalongan/laporan/templat.xlsx"])
def test_another_city_sees_none_of_it(dinas, sector, url):
    for user in (dinas.other_analyst, dinas.city.teller_a):
        assert client_for(user).get(url).status_code == 404
    assert client_for(dinas.analyst).get(url).status_code == 200


def test_the_reports_page_takes_uploads_from_analysts_only(dinas, sector):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = PeriodFigures.objects.count()
    response = client_for(dinas.facilitator).post(
        "/dinas/kota-pekalongan/laporan/", {"berkas": SimpleUploadedFile("x.xlsx", b"x")})
    assert response.status_code == 403
    response = client_for(dinas.analyst).post(
        "/dinas/kota-pekalongan/laporan/", {"berkas": SimpleUploadedFile("x.xlsx", b"x")})
    assert response.status_code == 400 and "SUPERVISION_NOT_A_WORKBOOK" in response.content.decode()
    assert PeriodFigures.objects.count() == before
    assert RegistryEntry.objects.count() == 3
