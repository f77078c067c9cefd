"""The public receipt check: valid, sealed by a checkpoint, tampered, mismatched, unknown."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from lumbung.ledger.services import checkpoint_create
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import drop_rules_raw
from tests.portal.conftest import deposit


def _check(entry, fingerprint=None):
    url = f"/v/{entry.cooperative.code}/{entry.number}/{fingerprint or entry.hash}/"
    return Client().get(url)


def test_a_genuine_receipt_is_confirmed_without_personal_data(members, city):
    entry = deposit(city.coop_a, members["siti"], 125_000_00)
    page = _check(entry)
    assert page.status_code == 200 and "Tercatat dan tidak berubah" in page.text
    assert "Rp125.000,00" in page.text and "Belum tersegel" in page.text
    assert "Siti" not in page.text and "savings:" not in page.text


def test_a_sealed_receipt_names_the_dinas_that_holds_the_checkpoint(members, city):
    entry = deposit(city.coop_a, members["siti"], 1_00)
    checkpoint_create(cooperative=city.coop_a, date=BUSINESS_DATE, acting_user=None)
    page = _check(entry).text
    assert "titik periksa harian 20 November 2026" in page
    assert "Dinas Koperasi Kota Pekalongan" in page


def test_a_wrong_fingerprint_or_number_is_said_plainly(members, city):
    entry = deposit(city.coop_a, members["siti"], 1_00)
    mismatch = _check(entry, fingerprint="f" * 64)
    assert mismatch.status_code == 409 and "Bukti tidak cocok" in mismatch.text
    unknown = Client().get(f"/v/ksp-a/999/{entry.hash}/")
    assert unknown.status_code == 404 and "Transaksi tidak dikenal" in unknown.text
    other_coop = Client().get(f"/v/kspps-b/{entry.number}/{entry.hash}/")
    assert other_coop.status_code in (404, 409)
    assert Client().get(f"/v/tidak-ada/1/{entry.hash}/").status_code == 404


def test_an_entry_changed_behind_the_ledgers_back_is_reported_as_tampered(members, city):
    entry = deposit(city.coop_a, members["siti"], 50_000_00)
    drop_rules_raw()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_journalentry SET description = %s WHERE id = %s",
                       ["Setoran (diubah)", entry.pk])
    page = _check(entry)
    assert page.status_code == 409 and "Catatan telah diubah" in page.text
