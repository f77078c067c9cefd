"""Statements from hand-worked books: exact amounts, tie-outs, previous period beside."""

from __future__ import annotations

import datetime as dt

from lumbung.reports.statements import build

D = dt.date


def _values(statement, key):
    return next(line.values for line in statement.lines if line.key == key)


def test_it_builds_the_balance_sheet_beside_last_year_end(books):
    sheet = build("balance-sheet", cooperative=books, start=D(2026, 1, 1), end=D(2026, 11, 20))
    # Cash: 1.000.000+1.000.000+500.000+600.000-200.000 = 2.900.000 at 2025 end;
    # 2026: +1.000.000 +300.000 +100.000 -400.000 -50.000 = 3.850.000. Bank 5.000.000 both.
    assert _values(sheet, "current_assets") == [13_850_000_00, 12_900_000_00]
    assert _values(sheet, "fixed_assets") == [400_000_00, 0]
    assert _values(sheet, "total_assets") == [14_250_000_00, 12_900_000_00]
    assert _values(sheet, "current_liabilities") == [1_035_000_00, 0]
    assert _values(sheet, "long_term_liabilities") == [10_000_000_00, 10_000_000_00]
    assert _values(sheet, "member_capital") == [2_500_000_00, 2_500_000_00]
    # Nothing closed yet: both years' results are still in the income and expense accounts.
    assert _values(sheet, "running_result") == [715_000_00, 400_000_00]
    assert _values(sheet, "total_liabilities_equity") == [14_250_000_00, 12_900_000_00]
    assert sheet.ties_out and len(sheet.checks) == 2


def test_it_builds_the_surplus_statement_with_members_apart(books):
    phu = build("surplus-statement", cooperative=books, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert _values(phu, "member_gross") == [400_000_00, 600_000_00]
    assert _values(phu, "nonmember_income") == [0, 0]
    assert _values(phu, "operating_expenses") == [50_000_00, 200_000_00]
    assert _values(phu, "surplus_before_tax") == [350_000_00, 400_000_00]
    assert _values(phu, "income_tax") == [35_000_00, 0]
    assert _values(phu, "surplus_after_tax") == [315_000_00, 400_000_00]
    assert phu.ties_out


def test_it_builds_equity_changes_and_cash_flow_that_tie_out(books):
    equity = build("equity-changes", cooperative=books, start=D(2026, 1, 1), end=D(2026, 11, 20))
    assert equity.ties_out
    assert _values(equity, "opening")[-1] == 2_900_000_00
    assert _values(equity, "closing")[-1] == 3_215_000_00
    flow = build("cash-flow", cooperative=books, start=D(2026, 1, 1), end=D(2026, 11, 20))
    assert flow.ties_out
    assert _values(flow, "opening")[0] == 7_900_000_00
    assert _values(flow, "closing")[0] == 8_850_000_00
    # 2025: the bank loan is financing, the member loan operating, SP/SW financing.
    assert _values(flow, "net_financing")[1] == 12_500_000_00


def test_it_lists_the_trial_balance_and_general_ledger(books):
    tb = build("trial-balance", cooperative=books, start=D(2026, 1, 1), end=D(2026, 11, 20))
    assert tb.ties_out
    gl = build("general-ledger", cooperative=books, start=D(2026, 1, 1), end=D(2026, 11, 20),
               account="1101")
    assert [line.values[2] for line in gl.lines if line.kind == "total"] == [3_850_000_00]
    assert gl.lines[1].values[2] == 2_900_000_00


def test_it_builds_the_member_promotion_report(books):
    report = build("member-promotion", cooperative=books, start=D(2026, 1, 1),
                   end=D(2026, 12, 31))
    assert _values(report, "loan_interest") == [400_000_00]
    assert report.notes
