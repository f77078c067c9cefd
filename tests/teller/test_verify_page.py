"""The public verification page: genuine, unknown, tampered; checkpoints; throttled; no login,
and it shows nothing the receipt holder does not already hold."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from lumbung.ledger.services import checkpoint_create
from lumbung.ledger.verify import entry_check
from lumbung.teller.receipts import verification_path
from lumbung.teller.services import drawer_session_open, drawer_transfer
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import drop_rules_raw, force_deferred_checks


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entries(city, counter):
    """#1 funding, #2 the float, #3 a top-up from the vault (Rp250.000)."""
    session = drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a,
                                  float_amount=1_000_000_00, acting_user=city.teller_a)
    record = drawer_transfer(session=session, kind="vault_in", amount=250_000_00,
                             acting_user=city.teller_a)
    force_deferred_checks()
    return record.entry


def _get(entry, prefix=None, code="ksp-a"):
    path = verification_path(code, entry.number, entry.hash)
    if prefix is not None:
        path = path.rsplit("/", 2)[0] + f"/{prefix}/"
    return Client().get(path)


def test_a_genuine_receipt_is_confirmed_without_login(entries):
    response = _get(entries)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="ok"' in html
    assert "Rp250.000,00" in html
    assert "Jurnal #3" in html
    assert "Belum tercakup checkpoint" in html
    assert "Teller-A" not in html  # who served is not the public's business


def test_it_names_the_checkpoint_that_covers_the_entry(city, entries):
    checkpoint_create(cooperative=city.coop_a, date=BUSINESS_DATE, acting_user=None)
    response = _get(entries)
    assert "Tercakup checkpoint buku tanggal 20 November 2026" in response.content.decode()


@pytest.mark.parametrize("change", ["wrong-prefix", "short-prefix", "wrong-number", "wrong-coop"])
def test_an_unknown_receipt_says_so(entries, change):
    if change == "wrong-prefix":
        response = _get(entries, prefix="0" * 16 if not entries.hash.startswith("0") else "1" * 16)
    elif change == "short-prefix":
        response = _get(entries, prefix=entries.hash[:8])
    elif change == "wrong-number":
        response = Client().get(f"/v/ksp-a/99/{entries.hash[:16]}/")
    else:
        response = _get(entries, code="kspps-b")
    assert response.status_code == 404
    assert 'data-verdict="unknown"' in response.content.decode()


def test_an_entry_changed_in_the_database_is_reported_as_tampered(city, entries):
    drop_rules_raw()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_journalline SET debit = debit * 10 WHERE entry_id = %s "
                       "AND debit > 0", [entries.pk])
        cursor.execute("UPDATE ledger_journalline SET credit = credit * 10 WHERE entry_id = %s "
                       "AND credit > 0", [entries.pk])
        cursor.execute("UPDATE ledger_journalentry SET total = total * 10 WHERE id = %s",
                       [entries.pk])
    check = entry_check(city.coop_a, entries.number)
    assert check is not None and not check.intact
    response = _get(entries)
    assert response.status_code == 200
    assert 'data-verdict="tampered"' in response.content.decode()


def test_a_rehashed_entry_still_breaks_the_chain(city, entries):
    """Rewriting an entry and its own hash leaves the next entry pointing at the old hash."""
    from lumbung.teller.services import drawer_transfer as transfer

    session = entries.cooperative.drawers.get(name="Laci 1").sessions.get()
    later = transfer(session=session, kind="vault_in", amount=1_00, acting_user=city.teller_a)
    force_deferred_checks()
    drop_rules_raw()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_journalentry SET hash = %s WHERE id = %s",
                       ["ab" * 32, entries.pk])
    check = entry_check(city.coop_a, entries.number)
    assert check is not None and check.hash == "ab" * 32 and not check.linked
    assert entry_check(city.coop_a, later.entry.number).linked is False


def test_the_page_is_throttled_per_address(entries, settings):
    settings.LUMBUNG_VERIFY_PER_MINUTE = 3
    codes = [_get(entries).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Terlalu banyak pemeriksaan" in _get(entries).content.decode()


def test_entry_check_matches_the_whole_book_verify(city, entries):
    from lumbung.ledger.verify import verify_cooperative

    checkpoint_create(cooperative=city.coop_a, date=BUSINESS_DATE, acting_user=None)
    assert verify_cooperative(city.coop_a).ok
    for number in (1, 2, 3):
        check = entry_check(city.coop_a, number)
        assert check is not None and check.ok and check.checkpoint_date == BUSINESS_DATE
    assert entry_check(city.coop_a, 4) is None
