"""`lumbung report` in every format, and the statements agree with hledger on the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from lumbung.core.money import sen_to_decimal_rupiah
from lumbung.reports.closing import year_end_close
from lumbung.reports.statements import build
from tests.ledger.helpers import CI

D = dt.date
PERIOD = ["--cooperative", "ksp-a", "--from", "2026-01-01", "--to", "2026-11-20"]


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["balance-sheet", "surplus-statement", "equity-changes",
                                  "cash-flow", "general-ledger", "trial-balance",
                                  "member-promotion"])
def test_it_prints_every_report_as_json_and_csv(books, name):
    data = json.loads(_report(name, *PERIOD, "--format", "json"))
    assert data["report"] == name
    assert data["unit"] == "sen"
    assert all(check["ok"] for check in data["checks"])
    rows = list(csv.reader(io.StringIO(_report(name, *PERIOD, "--format", "csv"))))
    assert rows[0][:3] == ["kind", "code", "label"]
    assert len(rows) == len(data["lines"]) + 1


def test_it_writes_xlsx_with_numbers_and_formulas(books, tmp_path):
    target = tmp_path / "neraca.xlsx"
    _report("balance-sheet", *PERIOD, "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target)["balance-sheet"]
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=6)}
    assert cells["Kas"][2].value == Decimal("3850000")
    total = cells["JUMLAH ASET"][2].value
    assert isinstance(total, str) and total.startswith("=")


def test_it_writes_a_pdf(books, tmp_path):
    target = tmp_path / "phu.pdf"
    _report("surplus-statement", *PERIOD, "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")


def test_it_refuses_a_reversed_period(books):
    with pytest.raises(CommandError, match="REPORT_BAD_PERIOD"):
        _report("balance-sheet", "--cooperative", "ksp-a", "--from", "2026-05-01",
                "--to", "2026-04-01")


def _hledger(journal, *args: str) -> dict[str, Decimal]:
    hledger = shutil.which("hledger")
    if hledger is None:
        if CI:
            pytest.fail("hledger is required when CI=true")
        pytest.skip("hledger is not installed")
    done = subprocess.run([hledger, "-f", str(journal), "balance", "--flat", "--no-total",
                           "-O", "csv", *args], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))[1:]
    return {account: Decimal(amount.split()[0]) for account, amount in rows}


def _rupiah(sen: int | None) -> Decimal:
    return Decimal(sen_to_decimal_rupiah(sen or 0))


def test_it_agrees_with_hledger(books, tmp_path):
    journal = tmp_path / "a.journal"
    call_command("export-journal", "--cooperative", "ksp-a", "--format", "hledger",
                 "--output", str(journal), stderr=io.StringIO())
    end = D(2026, 11, 20)
    sheet = build("balance-sheet", cooperative=books, start=D(2026, 1, 1), end=end)
    at_end = _hledger(journal, "-e", "2026-11-21")
    assets = sum(v for k, v in at_end.items() if k.startswith("Assets"))
    liabilities = -sum(v for k, v in at_end.items() if k.startswith("Liabilities"))
    assert _rupiah(sheet.value("total_assets")) == assets
    assert _rupiah(sheet.value("total_liabilities")) == liabilities
    phu = build("surplus-statement", cooperative=books, start=D(2026, 1, 1), end=end)
    result = _hledger(journal, "-b", "2026-01-01", "-e", "2026-11-21", "Income", "Expenses")
    assert _rupiah(phu.value("surplus_after_tax")) == -sum(result.values())
    flow = build("cash-flow", cooperative=books, start=D(2026, 1, 1), end=end)
    cash = sum(v for k, v in at_end.items() if k in {"Assets:1101", "Assets:1102"})
    assert _rupiah(flow.value("closing")) == cash


def test_the_trial_balance_is_what_hledger_gives_for_the_exported_journal(books, city, tmp_path):
    # The year-end closing entry is in the export too, so the 2025 income and expense
    # accounts start 2026 at zero in both.
    year_end_close(cooperative=books, year=2025, acting_user=city.accountant_a)
    journal = tmp_path / "a.journal"
    call_command("export-journal", "--cooperative", "ksp-a", "--format", "hledger",
                 "--output", str(journal), stderr=io.StringIO())
    report = json.loads(_report("trial-balance", *PERIOD, "--format", "json"))
    shown = {line["code"]: [_rupiah(v) for v in line["values"]]
             for line in report["lines"] if line["kind"] == "account"}
    opening = _hledger(journal, "-e", "2026-01-01")
    debits = _hledger(journal, "-b", "2026-01-01", "-e", "2026-11-21", "amt:>0")
    credits = _hledger(journal, "-b", "2026-01-01", "-e", "2026-11-21", "amt:<0")
    closing = _hledger(journal, "-e", "2026-11-21")

    def by_code(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
        return {name.rsplit(":", 1)[-1]: amount for name, amount in amounts.items() if amount}

    def split(net: Decimal) -> list[Decimal]:
        return [net, Decimal(0)] if net >= 0 else [Decimal(0), -net]

    codes = set(by_code(opening)) | set(by_code(debits)) | set(by_code(credits)) \
        | set(by_code(closing))
    expected = {
        code: [*split(by_code(opening).get(code, Decimal(0))),
               by_code(debits).get(code, Decimal(0)), -by_code(credits).get(code, Decimal(0)),
               *split(by_code(closing).get(code, Decimal(0)))]
        for code in codes
    }
    assert shown == expected
    assert len(shown) == 13  # every account the hand-worked books touch
