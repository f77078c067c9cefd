"""Outside tools agree with us: hledger and beancount read our export and get our balances."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from lumbung.core.money import sen_to_decimal_rupiah
from lumbung.demo.services import demo_build
from lumbung.ledger.export import account_name
from lumbung.ledger.models import Account, JournalEntry
from lumbung.ledger.selectors import trial_balance
from lumbung.tenancy.models import Cooperative
from tests.ledger.helpers import CI

TODAY = dt.date(2026, 3, 10)
BEAN_CHECK = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "bean-check"


def _tool(path: str | None, name: str) -> str:
    if path is None or not Path(path).exists():
        if CI:
            pytest.fail(f"{name} is required when CI=true")
        pytest.skip(f"{name} is not installed (set CI=true to make this a failure)")
    return str(path)


@pytest.fixture
def demo_books(db):
    """Two demo cooperatives (a KSP and a KSPPS), a month of history each, with reversals."""
    demo_build(cooperatives=2, seed=7, today=TODAY, months=1)
    cooperatives = list(Cooperative.objects.order_by("code"))
    assert len(cooperatives) == 2
    # The demo's corrected mistake in each cooperative (the nightly accruals add their own).
    assert JournalEntry.objects.filter(source="reversal", reverses__source="demo").count() == 2
    return cooperatives


def _ours(cooperative) -> dict[str, Decimal]:
    types = dict(Account.objects.filter(cooperative=cooperative).values_list("code", "type"))
    balance = trial_balance(cooperative=cooperative, as_of=cooperative.business_date)
    assert balance.lines
    return {account_name(types[x.account], x.account):
            Decimal(sen_to_decimal_rupiah(x.debit - x.credit)) for x in balance.lines}


def _export(cooperative, fmt: str, target: Path) -> Path:
    err = io.StringIO()
    call_command("export-journal", "--cooperative", cooperative.code, "--format", fmt,
                 "--output", str(target), stderr=err)
    entries = JournalEntry.objects.filter(cooperative=cooperative).count()
    assert f"{entries} jurnal ditulis" in err.getvalue()
    return target


def test_it_agrees_with_hledger(demo_books, tmp_path):
    hledger = _tool(shutil.which("hledger"), "hledger")
    for cooperative in demo_books:
        journal = _export(cooperative, "hledger", tmp_path / f"{cooperative.code}.journal")
        done = subprocess.run(
            [hledger, "-f", str(journal), "balance", "--flat", "--no-total", "-O", "csv"],
            capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        rows = list(csv.reader(io.StringIO(done.stdout)))
        assert rows[0] == ["account", "balance"]
        theirs = {}
        for account, amount in rows[1:]:
            number, commodity = amount.split()
            assert commodity == "IDR"
            theirs[account] = Decimal(number)
        assert theirs == _ours(cooperative)
        done = subprocess.run([hledger, "-f", str(journal), "check", "balancednoautoconversion"],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr


def test_it_agrees_with_beancount(demo_books, tmp_path):
    bean_check = _tool(str(BEAN_CHECK), "bean-check")
    loader = pytest.importorskip("beancount.loader") if not CI else __import__(
        "beancount.loader", fromlist=["loader"])
    for cooperative in demo_books:
        ledger = _export(cooperative, "beancount", tmp_path / f"{cooperative.code}.beancount")
        done = subprocess.run([bean_check, str(ledger)], capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        entries, errors, _options = loader.load_file(str(ledger))
        assert errors == []
        theirs: dict[str, Decimal] = {}
        transactions = 0
        for entry in entries:
            if type(entry).__name__ != "Transaction":
                continue
            transactions += 1
            assert entry.meta["hash"] == JournalEntry.objects.get(
                cooperative=cooperative, number=int(entry.payee.lstrip("#"))).hash
            for posting in entry.postings:
                assert posting.units.currency == "IDR"
                theirs[posting.account] = theirs.get(posting.account, Decimal(0)) + (
                    posting.units.number)
        assert transactions == JournalEntry.objects.filter(cooperative=cooperative).count()
        assert {k: v for k, v in theirs.items() if v} == _ours(cooperative)
