"""A rogue administrator takes the triggers away and edits the books; verify must notice."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import checkpoint_create, journal_entry_reverse
from lumbung.ledger.sql import EXPECTED_TRIGGERS, install, triggers, uninstall
from lumbung.ledger.verify import installed_triggers, verify_cooperative
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import drop_rules_raw, force_deferred_checks, is_postgres, post


def _verify_command(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("verify", "--format", "json", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


@pytest.fixture
def books(city):
    """Entries #1..#4 in A (#3 reverses #2) and a checkpoint; one entry in B."""
    post(city.coop_a, [("1101", 500_000_00, 0), ("3103", 0, 500_000_00)],
         acting_user=city.accountant_a)
    second = post(city.coop_a, [("5306", 175_500_00, 0), ("1101", 0, 175_500_00)],
                  description="Bayar listrik", acting_user=city.accountant_a)
    journal_entry_reverse(entry=second, acting_user=city.accountant_a)
    post(city.coop_a, [("1102", 80_000_00, 0), ("1101", 0, 80_000_00)],
         acting_user=city.accountant_a)
    checkpoint_create(cooperative=city.coop_a, date=BUSINESS_DATE, acting_user=None)
    post(city.coop_b, [("1101", 10_00, 0), ("3103", 0, 10_00)])
    force_deferred_checks()
    return JournalEntry.objects.get(cooperative=city.coop_a, number=2)


def _sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_it_passes_untouched_books(city, books):
    code, report = _verify_command()
    assert code == 0
    assert report["ok"] is True
    by_code = {c["cooperative"]: c for c in report["cooperatives"]}
    assert by_code["ksp-a"]["entries"] == 4
    assert by_code["ksp-a"]["lines"] == 8
    assert by_code["ksp-a"]["checkpoints"] == 1
    assert by_code["kspps-b"]["entries"] == 1


def test_it_reports_the_missing_triggers(city, books):
    drop_rules_raw()
    report = verify_cooperative(city.coop_a)
    assert not report.ok
    assert [b.check for b in report.breaches] == ["triggers"]
    for name in EXPECTED_TRIGGERS[connection.vendor]:
        assert name in report.breaches[0].detail
    code, _ = _verify_command("--cooperative", "ksp-a")
    assert code == 1


def test_it_reports_one_dropped_trigger_by_name(city, books):
    force_deferred_checks()
    if is_postgres():
        _sql("DROP TRIGGER ledger_line_guard ON ledger_journalline")
    else:
        _sql("DROP TRIGGER ledger_line_guard")
    report = verify_cooperative(city.coop_a)
    assert [(b.check, b.detail) for b in report.breaches] == [
        ("triggers", "trigger hilang: ledger_line_guard")
    ]


def _breaches_besides_triggers(report):
    return [b for b in report.breaches if b.check != "triggers"]


def test_it_notices_changed_line_amounts_that_still_balance(city, books):
    drop_rules_raw()
    _sql("UPDATE ledger_journalline SET debit = debit + 1000 WHERE entry_id = %s AND debit > 0",
         [books.pk])
    _sql("UPDATE ledger_journalline SET credit = credit + 1000 WHERE entry_id = %s AND credit > 0",
         [books.pk])
    _sql("UPDATE ledger_journalentry SET total = total + 1000 WHERE id = %s", [books.pk])
    report = verify_cooperative(city.coop_a)
    assert report.first_broken_entry() == 2
    checks = {b.check for b in _breaches_besides_triggers(report)}
    assert checks == {"chain", "balances"}
    code, output = _verify_command("--cooperative", "ksp-a")
    assert code == 1
    assert output["cooperatives"][0]["first_broken_entry"] == 2
    # The other cooperative is untouched.
    assert _breaches_besides_triggers(verify_cooperative(city.coop_b)) == []


def test_it_notices_a_changed_description(city, books):
    drop_rules_raw()
    _sql("UPDATE ledger_journalentry SET description = 'Bayar air' WHERE id = %s", [books.pk])
    report = verify_cooperative(city.coop_a)
    assert [(b.check, b.entry_number) for b in _breaches_besides_triggers(report)] == [
        ("chain", 2)
    ]
    assert report.first_broken_entry() == 2
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify", "--cooperative", "ksp-a", stdout=out)
    assert exited.value.code == 1
    assert "jurnal rusak pertama: #2" in out.getvalue()
    assert "RUSAK" in out.getvalue()


def test_it_notices_a_deleted_line(city, books):
    drop_rules_raw()
    _sql("DELETE FROM ledger_journalline WHERE entry_id = %s AND line_no = 2", [books.pk])
    report = verify_cooperative(city.coop_a)
    assert report.first_broken_entry() == 2
    numbered = {(b.check, b.entry_number) for b in report.breaches if b.entry_number}
    assert numbered == {("balance", 2), ("chain", 2)}
    assert "balances" in {b.check for b in report.breaches}
    assert _verify_command()[0] == 1


def test_it_notices_a_changed_account_balance(city, books):
    # AccountBalance carries no trigger: it is checked against the lines instead.
    _sql("UPDATE ledger_accountbalance SET debit = debit + 1 WHERE account_id = "
         "(SELECT id FROM ledger_account WHERE cooperative_id = %s AND code = '1101')",
         [city.coop_a.pk])
    report = verify_cooperative(city.coop_a)
    assert [b.check for b in report.breaches] == ["balances"]
    assert "1101" in report.breaches[0].detail
    assert report.first_broken_entry() is None
    assert _verify_command("--cooperative", "ksp-a")[0] == 1


def test_it_notices_a_changed_subledger_balance(city, books):
    from lumbung.ledger.services import LineSpec, journal_entry_post

    journal_entry_post(cooperative=city.coop_a, description="Setoran sukarela",
                       lines=[LineSpec("1101", debit=30_000_00),
                              LineSpec("2101", credit=30_000_00, subledger_ref="savings:7")],
                       acting_user=None)
    assert verify_cooperative(city.coop_a).ok
    _sql("UPDATE ledger_subledgerbalance SET credit = credit - 1 WHERE ref = 'savings:7'")
    report = verify_cooperative(city.coop_a)
    assert {b.check for b in report.breaches} == {"subledgers"}


def test_it_notices_a_changed_checkpoint_merkle_root(city, books):
    drop_rules_raw()
    _sql("UPDATE ledger_checkpoint SET merkle_root = %s WHERE cooperative_id = %s",
         ["ab" * 32, city.coop_a.pk])
    report = verify_cooperative(city.coop_a)
    assert [(b.check, b.entry_number) for b in _breaches_besides_triggers(report)] == [
        ("checkpoints", 1)
    ]
    assert "akar Merkle berbeda" in _breaches_besides_triggers(report)[0].detail
    assert _verify_command("--cooperative", "ksp-a")[0] == 1


def test_it_notices_a_rewritten_chain_from_a_deleted_entry(city, books):
    drop_rules_raw()
    _sql("DELETE FROM ledger_journalline WHERE entry_id IN "
         "(SELECT id FROM ledger_journalentry WHERE cooperative_id = %s AND number = 4)",
         [city.coop_a.pk])
    _sql("DELETE FROM ledger_journalentry WHERE cooperative_id = %s AND number = 4",
         [city.coop_a.pk])
    report = verify_cooperative(city.coop_a)
    checks = {b.check for b in _breaches_besides_triggers(report)}
    # The head still points at #4, the balances still hold its lines, the checkpoint covers it.
    assert checks == {"numbers", "balances", "checkpoints"}


def test_it_installs_the_rules_again_after_they_were_dropped(committed_db):
    from tests.conftest import build_city

    city = build_city()
    post(city.coop_a, [("1101", 100, 0), ("3103", 0, 100)])
    expected = EXPECTED_TRIGGERS[connection.vendor]
    assert expected <= installed_triggers()
    with connection.schema_editor() as editor:
        uninstall(editor)
    assert not expected & installed_triggers()
    assert not verify_cooperative(city.coop_a).ok
    with connection.schema_editor() as editor:
        install(editor)
    with connection.schema_editor() as editor:
        install(editor)  # twice in a row is harmless
    assert expected <= installed_triggers()
    assert len(triggers(connection.vendor)) == len(expected)
    assert verify_cooperative(city.coop_a).ok
    with pytest.raises(Exception, match="LEDGER_APPEND_ONLY"):
        _sql("UPDATE ledger_journalentry SET description = 'x'")
    post(city.coop_a, [("1101", 100, 0), ("3103", 0, 100)])
    assert verify_cooperative(city.coop_a).ok


def test_it_notices_a_line_moved_to_another_date(city, books):
    # The hash covers the entry's date; the lines' copy (read by as-of balances) is compared.
    drop_rules_raw()
    _sql("UPDATE ledger_journalline SET date = %s WHERE entry_id = %s",
         ["2026-11-01", books.pk])
    report = verify_cooperative(city.coop_a)
    assert [(b.check, b.entry_number) for b in _breaches_besides_triggers(report)] == [
        ("balance", 2)
    ]
