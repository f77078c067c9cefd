"""`lumbung loan-schedule` prints the calculator's schedule (json in sen, or a table)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _run(*args: str) -> str:
    out = StringIO()
    call_command("loan-schedule", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_json_contract() -> None:
    data = json.loads(_run("--principal", "1000000", "--annual-rate", "12", "--months", "3",
                           "--method", "declining", "--start", "2026-01-31", "--format", "json"))
    assert set(data) == {"instalments", "total_interest"}
    assert data["instalments"][0] == {"n": 1, "due_date": "2026-02-28", "principal": 333_333_00,
                                      "interest": 10_000_00, "total": 343_333_00,
                                      "balance_after": 666_667_00}
    assert data["total_interest"] == 20_000_01
    assert sum(row["principal"] for row in data["instalments"]) == 1_000_000_00


def test_it_prints_a_table_in_indonesian() -> None:
    text = _run("--principal", "12000000", "--annual-rate", "12", "--months", "12",
                "--method", "flat", "--start", "2026-01-31")
    assert "Jatuh tempo" in text and "Rp1.120.000,00" in text
    assert "Total bunga: Rp1.440.000,00" in text


@pytest.mark.parametrize("args", [
    ["--principal", "abc"], ["--principal", "100.001"], ["--principal", "-5"],
    ["--principal", "1000", "--months", "0"], ["--principal", "1000", "--start", "31-01-2026"],
])
def test_it_refuses_bad_input_with_a_code(args: list[str]) -> None:
    base = {"--principal": "1000000", "--annual-rate": "12", "--months": "3",
            "--method": "flat", "--start": "2026-01-31"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=r"\[(BAD_INPUT|BAD_AMOUNT|BAD_DATE)\]"):
        _run(*[part for pair in base.items() for part in pair])
