"""Trial balance: as of any date it equals a plain SQL sum of the lines; CLI formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lumbung.ledger.models import Account
from lumbung.ledger.selectors import trial_balance
from lumbung.ledger.services import journal_entry_reverse
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import post


def _oracle(cooperative, as_of) -> dict[str, tuple[int, int]]:
    """Independent: net of the lines up to `as_of`, straight from SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.code, SUM(l.debit) - SUM(l.credit) FROM ledger_journalline l "
            "JOIN ledger_account a ON a.id = l.account_id "
            "WHERE l.cooperative_id = %s AND l.date <= %s GROUP BY a.code ORDER BY a.code",
            [cooperative.pk, as_of],
        )
        return {code: (max(int(net), 0), max(-int(net), 0)) for code, net in cursor.fetchall()
                if int(net) != 0}


@pytest.fixture
def books(city):
    coop, maker = city.coop_a, city.manager_a
    post(coop, [("1101", 900_000_00, 0), ("1102", 100_000_00, 0), ("3103", 0, 1_000_000_00)],
         date=dt.date(2026, 11, 2), allow_backdate=True, acting_user=maker)
    post(coop, [("5306", 345_678_90, 0), ("1101", 0, 345_678_90)],
         date=dt.date(2026, 11, 10), allow_backdate=True, acting_user=maker)
    wrong = post(coop, [("5314", 2_500_000_00, 0), ("1101", 0, 2_500_000_00)],
                 date=dt.date(2026, 11, 15), allow_backdate=True, acting_user=maker)
    journal_entry_reverse(entry=wrong, acting_user=maker)  # dated the business date, 11-20
    post(coop, [("1101", 12_50, 0), ("4902", 0, 12_50)])
    # Back-dated after later postings: the materialized last_date must not hide it.
    post(coop, [("1102", 1_00, 0), ("4902", 0, 1_00)], date=dt.date(2026, 11, 3),
         allow_backdate=True, acting_user=maker)
    post(city.coop_b, [("1101", 5_00, 0), ("3103", 0, 5_00)])
    return coop


@pytest.mark.parametrize("day", [1, 2, 3, 9, 10, 14, 15, 19, 20])
def test_it_equals_the_sum_of_the_lines_as_of_any_date(city, books, day):
    as_of = dt.date(2026, 11, day)
    balance = trial_balance(cooperative=books, as_of=as_of)
    assert {x.account: (x.debit, x.credit) for x in balance.lines} == _oracle(books, as_of)
    assert balance.total_debit == balance.total_credit


def test_it_shows_exact_amounts(city, books):
    on_15 = trial_balance(cooperative=books, as_of=dt.date(2026, 11, 15))
    assert [(x.account, x.debit, x.credit) for x in on_15.lines] == [
        ("1101", 0, 1_945_678_90),
        ("1102", 100_001_00, 0),
        ("3103", 0, 1_000_000_00),
        ("4902", 0, 1_00),
        ("5306", 345_678_90, 0),
        ("5314", 2_500_000_00, 0),
    ]
    assert on_15.total_debit == on_15.total_credit == 2_945_679_90
    today = trial_balance(cooperative=books, as_of=BUSINESS_DATE)
    assert [(x.account, x.debit, x.credit) for x in today.lines] == [
        ("1101", 554_333_60, 0),
        ("1102", 100_001_00, 0),
        ("3103", 0, 1_000_000_00),
        ("4902", 0, 13_50),
        ("5306", 345_678_90, 0),
    ]
    assert trial_balance(cooperative=books, as_of=dt.date(2026, 11, 1)).lines == []


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "trial-balance", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_specified_json(city, books):
    data = json.loads(_report("--cooperative", "ksp-a", "--as-of", "2026-11-10",
                              "--format", "json"))
    names = dict(Account.objects.filter(cooperative=books).values_list("code", "name"))
    assert data == {
        "cooperative": "ksp-a",
        "as_of": "2026-11-10",
        "lines": [
            {"account": "1101", "name": names["1101"], "debit": 554_321_10, "credit": 0},
            {"account": "1102", "name": names["1102"], "debit": 100_001_00, "credit": 0},
            {"account": "3103", "name": names["3103"], "debit": 0, "credit": 1_000_000_00},
            {"account": "4902", "name": names["4902"], "debit": 0, "credit": 1_00},
            {"account": "5306", "name": names["5306"], "debit": 345_678_90, "credit": 0},
        ],
        "total_debit": 1_000_001_00,
        "total_credit": 1_000_001_00,
    }
    # Without --as-of: the business date.
    assert json.loads(_report("--cooperative", "ksp-a", "--format", "json"))["as_of"] == (
        "2026-11-20")


def test_it_prints_csv(city, books):
    rows = list(csv.reader(io.StringIO(_report("--cooperative", "ksp-a", "--as-of", "2026-11-02",
                                               "--format", "csv"))))
    assert rows == [
        ["account", "name", "debit", "credit"],
        ["1101", "Kas", "90000000", "0"],
        ["1102", "Bank - Giro", "10000000", "0"],
        ["3103", rows[3][1], "0", "100000000"],
        ["", "TOTAL", "100000000", "100000000"],
    ]


def test_it_prints_text_in_indonesian_and_english(city, books):
    text = _report("--cooperative", "ksp-a", "--as-of", "2026-11-02")
    assert "NERACA SALDO KSP Amanah A - 2026-11-02" in text
    assert "Rp900.000,00" in text
    assert text.splitlines()[-1].split()[-2:] == ["Rp1.000.000,00", "Rp1.000.000,00"]
    assert "TRIAL BALANCE" in _report("--cooperative", "ksp-a", "--lang", "en")


def test_it_exits_non_zero_with_the_indonesian_message_for_an_unknown_cooperative(city):
    with pytest.raises(CommandError) as caught:
        _report("--cooperative", "koperasi-hantu", "--format", "json")
    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "[UNKNOWN_COOPERATIVE] Koperasi dengan kode koperasi-hantu tidak ditemukan.")
    with pytest.raises(CommandError) as caught:
        _report("--cooperative", "koperasi-hantu", "--lang", "en")
    assert "No cooperative with code koperasi-hantu" in str(caught.value)


def test_it_refuses_a_bad_date(city):
    with pytest.raises(CommandError) as caught:
        _report("--cooperative", "ksp-a", "--as-of", "20-11-2026")
    assert "[BAD_DATE]" in str(caught.value)
