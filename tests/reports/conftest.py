"""Books for the reports tests: a small hand-worked history of cooperative A over two years."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.tenancy.models import Cooperative
from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: F401

D = dt.date


def post(cooperative: Cooperative, day: dt.date, *lines: LineSpec, text: str = "uji") -> None:
    journal_entry_post(cooperative=cooperative, lines=list(lines), description=text, date=day,
                       allow_backdate=True, acting_user=None)


def dr(account: str, amount: int, **kw: object) -> LineSpec:
    return LineSpec(account, debit=amount, **kw)  # type: ignore[arg-type]


def cr(account: str, amount: int, **kw: object) -> LineSpec:
    return LineSpec(account, credit=amount, **kw)  # type: ignore[arg-type]


def build_books(coop: Cooperative) -> Cooperative:
    """Hand-worked history (amounts in sen). Members 1 and 2.

    2025: pokok 2 x Rp1.000.000, wajib Rp500.000 (member 1), loan Rp5.000.000 to member 1,
          interest Rp600.000 from member 1, salaries Rp200.000 -> SHU 2025 = Rp400.000.
    2026: sukarela Rp1.000.000 (member 2), interest Rp300.000 (member 1), Rp100.000 (member 2),
          equipment Rp400.000, electricity Rp50.000, tax Rp35.000 -> SHU 2026 = Rp315.000.
    """
    post(coop, D(2025, 6, 1), dr("1101", 1_000_000_00),
         cr("3101", 1_000_000_00, member_id=1, subledger_ref="member:1"))
    post(coop, D(2025, 6, 2), dr("1101", 1_000_000_00),
         cr("3101", 1_000_000_00, member_id=2, subledger_ref="member:2"))
    post(coop, D(2025, 6, 3), dr("1101", 500_000_00),
         cr("3102", 500_000_00, member_id=1, subledger_ref="member:1"))
    post(coop, D(2025, 7, 1), dr("1110", 5_000_000_00, member_id=1, subledger_ref="loan:1"),
         cr("1102", 5_000_000_00))
    post(coop, D(2025, 1, 5), dr("1102", 10_000_000_00), cr("2201", 10_000_000_00),
         text="pinjaman bank")
    post(coop, D(2025, 12, 1), dr("1101", 600_000_00), cr("4101", 600_000_00, member_id=1))
    post(coop, D(2025, 12, 15), dr("5303", 200_000_00), cr("1101", 200_000_00))
    post(coop, D(2026, 3, 1), dr("1101", 1_000_000_00),
         cr("2101", 1_000_000_00, member_id=2, subledger_ref="savings:2"))
    post(coop, D(2026, 4, 1), dr("1101", 300_000_00), cr("4101", 300_000_00, member_id=1))
    post(coop, D(2026, 5, 1), dr("1101", 100_000_00), cr("4101", 100_000_00, member_id=2))
    post(coop, D(2026, 6, 1), dr("1304", 400_000_00), cr("1101", 400_000_00))
    post(coop, D(2026, 7, 1), dr("5306", 50_000_00), cr("1101", 50_000_00))
    post(coop, D(2026, 11, 2), dr("6101", 35_000_00), cr("2107", 35_000_00))
    return coop


@pytest.fixture
def books(city):
    return build_books(city.coop_a)
