"""Screens: Laporan, Tutup buku, SHU, RAT - who sees what, refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import AccountingPeriod
from lumbung.reports.models import RatMeeting, ShuPlan

D = dt.date


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_a_statement_and_its_downloads(books, city):
    client = client_for(city.accountant_a)
    url = "/k/ksp-a/laporan/?laporan=balance-sheet&dari=2026-01-01&sampai=2026-11-20"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert "14.250.000,00" in page.content.decode()
    assert len(queries) <= 20
    for fmt, start in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("json", b"{")):
        download = client.get(url + f"&format={fmt}")
        assert download.status_code == 200 and download.content.startswith(start)
    assert client.get("/k/ksp-a/laporan/?laporan=nope").status_code == 400


def test_other_tenants_get_404_and_the_dinas_read_is_audited(books, city):
    for path in ("laporan/", "tutup-buku/", "shu/", "rat/"):
        assert client_for(city.teller_b).get(f"/k/ksp-a/{path}").status_code == 404
    assert client_for(city.analyst_a).get("/k/ksp-a/laporan/").status_code == 200
    assert AuditEvent.objects.filter(actor=city.analyst_a,
                                     action="supervision.read.reports").count() == 1
    assert client_for(city.analyst_a).get("/k/kspps-b/laporan/").status_code == 404


def test_wrong_roles_are_refused_and_nothing_is_written(books, city):
    teller = client_for(city.teller_a)
    assert teller.post("/k/ksp-a/tutup-buku/aksi/",
                       {"aksi": "tutup", "bulan": "2025-01-01"}).status_code == 403
    assert teller.post("/k/ksp-a/shu/aksi/", {"aksi": "simpan", "tahun": "2025",
                                              "reserve": "100"}).status_code == 403
    assert teller.post("/k/ksp-a/rat/aksi/", {"tahun": "2025",
                                              "tanggal": "2026-03-01"}).status_code == 403
    analyst = client_for(city.analyst_a)
    assert analyst.post("/k/ksp-a/rat/aksi/", {"tahun": "2025",
                                               "tanggal": "2026-03-01"}).status_code == 403
    assert not AccountingPeriod.objects.exists()
    assert not ShuPlan.objects.exists()
    assert not RatMeeting.objects.exists()
    assert client_for(city.teller_b).post("/k/ksp-a/rat/aksi/", {
        "tahun": "2025", "tanggal": "2026-03-01"}).status_code == 404


def test_the_accountant_sets_the_split_and_records_the_rat(books, city):
    client = client_for(city.accountant_a)
    split = {"reserve": "40", "capital_services": "20", "business_services": "20",
             "board": "5", "staff": "5", "education": "5", "social": "5", "regional": "0"}
    client.post("/k/ksp-a/shu/aksi/", {"aksi": "simpan", "tahun": "2025", **split,
                                       "reserve": "41"})
    assert not ShuPlan.objects.exists()
    client.post("/k/ksp-a/shu/aksi/", {"aksi": "simpan", "tahun": "2025", **split})
    page = client.get("/k/ksp-a/shu/?tahun=2025").content.decode()
    assert "Rp400.000,00" in page and "Rp128.000,00" in page
    assert client.get("/k/ksp-a/shu/?tahun=2025&format=xlsx").content.startswith(b"PK")
    client.post("/k/ksp-a/rat/aksi/", {"tahun": "2025", "tanggal": "2026-03-14"})
    assert RatMeeting.objects.get().held_on == D(2026, 3, 14)
    package = client.get("/k/ksp-a/rat/?tahun=2025&format=zip")
    assert package.status_code == 200 and package.content.startswith(b"PK")
    close = client.get("/k/ksp-a/tutup-buku/?bulan=2025-01").content.decode()
    assert "EOD tanggal 2025-01-31" in close


@pytest.mark.parametrize("path", ["laporan/", "tutup-buku/", "shu/", "rat/"])
def test_every_screen_opens_for_the_accountant(books, city, path):
    assert client_for(city.accountant_a).get(f"/k/ksp-a/{path}").status_code == 200
