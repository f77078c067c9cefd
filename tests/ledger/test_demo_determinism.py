"""`lumbung demo` is deterministic for a seed: same chain heads and trial balances, twice."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-02-14"


def _lumbung(var_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LUMBUNG_VAR_DIR"] = str(var_dir)
    done = subprocess.run([sys.executable, "-m", "lumbung", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _build(template: Path, var_dir: Path, seed: int) -> tuple[list[tuple], list[tuple], dict]:
    shutil.copytree(template, var_dir)
    _lumbung(var_dir, "demo", "--cooperatives", "2", "--months", "1", "--seed", str(seed), "--today", TODAY)
    report = json.loads(_lumbung(var_dir, "report", "trial-balance", "--cooperative",
                                 "ksp-sejahtera", "--format", "json"))
    with sqlite3.connect(var_dir / "lumbung.sqlite3") as db:
        heads = db.execute(
            "SELECT c.code, h.last_number, h.last_hash FROM ledger_ledgerhead h "
            "JOIN tenancy_cooperative c ON c.id = h.cooperative_id ORDER BY c.code").fetchall()
        balances = db.execute(
            "SELECT c.code, a.code, b.debit, b.credit FROM ledger_accountbalance b "
            "JOIN ledger_account a ON a.id = b.account_id "
            "JOIN tenancy_cooperative c ON c.id = b.cooperative_id "
            "WHERE b.debit <> 0 OR b.credit <> 0 ORDER BY c.code, a.code").fetchall()
    return heads, balances, report


@pytest.fixture
def sqlite_run_only(db):
    if connection.vendor != "sqlite":
        pytest.skip("runs the CLI on SQLite files; done once, in the SQLite run")


def test_it_builds_the_same_books_for_the_same_seed(sqlite_run_only, tmp_path):
    # Migrate once; each run starts from its own copy of the empty database.
    template = tmp_path / "kosong"
    _lumbung(template, "migrate", "--verbosity", "0")
    first, second, other = (_build(template, tmp_path / name, seed)
                            for name, seed in [("satu", 11), ("dua", 11), ("lain", 12)])
    heads, balances, report = first
    assert [code for code, _, _ in heads] == ["ksp-sejahtera", "kspps-berkah"]
    assert all(number > 30 and len(last_hash) == 64 and last_hash != "0" * 64
               for _, number, last_hash in heads)
    assert report["total_debit"] == report["total_credit"] > 0
    assert report["as_of"] == TODAY
    assert second == first
    assert other[0] != heads
    assert other[1] != balances
    assert other[2] != report
