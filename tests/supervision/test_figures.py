"""Figures from every cooperative: the month-end snapshot from the books, the upload template,
checkpoints received and checked against the chain."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from lumbung.batch.services import eod_run
from lumbung.core.errors import LumbungError
from lumbung.supervision import calculations
from lumbung.supervision.figures import (
    checkpoints_check,
    figures_from_books,
    figures_upload,
    upload_template,
)
from lumbung.supervision.models import PeriodFigures, ReceivedCheckpoint
from lumbung.supervision.registry import registry_entry_save
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import post

MONTH_END = dt.date(2026, 11, 30)


def test_figures_from_balances_by_hand():
    mapping = {
        "cash": {"side": "D", "prefixes": ["1101"]},
        "total_assets": {"side": "D", "prefixes": ["1"]},
        "total_liabilities": {"side": "C", "prefixes": ["2"]},
        "equity_accounts": {"side": "C", "prefixes": ["3"]},
        "total_income": {"side": "C", "prefixes": ["4"]},
        "gross_participation": {"side": "C", "prefixes": ["41"]},
        "cost_of_funds": {"side": "D", "prefixes": ["51"]},
        "operating_expenses": {"side": "D", "prefixes": ["53"]},
        "cooperative_expenses": {"side": "D", "prefixes": ["54"]},
        "education_expense": {"side": "D", "prefixes": ["5402"]},
        "other_expenses": {"side": "D", "prefixes": ["59"]},
        "income_tax": {"side": "D", "prefixes": ["6"]},
    }
    # Cumulative: cash 1.500, CKPN 100 (contra), savings 500, equity 300, income 900 of which
    # 600 last year, interest expense 200 (50 last year), staff 100.
    now = {"1101": (1500, 0), "1119": (0, 100), "2101": (0, 500), "3101": (0, 300),
           "4101": (0, 900), "5101": (200, 0), "5303": (100, 0)}
    year_start = {"4101": (0, 600), "5101": (50, 0)}
    figures = calculations.figures_from_balances(now, year_start, mapping)
    assert figures["total_assets"] == 1400
    assert figures["total_income"] == 300 and figures["gross_participation"] == 300
    assert figures["cost_of_funds"] == 150 and figures["operating_expenses"] == 100
    assert figures["shu"] == 50
    # The unclosed surplus of all years (900 - 300) belongs to equity: 1.400 = 500 + 900.
    assert figures["equity"] == 900
    assert figures["total_assets"] == figures["total_liabilities"] + figures["equity"]


def test_the_month_end_step_writes_the_figures_from_the_books(city):
    coop = city.coop_a
    post(coop, [("1101", 150_000_00, 0), ("3103", 0, 150_000_00)])
    post(coop, [("1101", 10_000_00, 0), ("4109", 0, 10_000_00)])
    post(coop, [("5312", 4_000_00, 0), ("1101", 0, 4_000_00)])
    eod_run(cooperatives=[coop], until=MONTH_END - dt.timedelta(days=1), acting_user=None)
    assert not PeriodFigures.objects.exists()
    eod_run(cooperatives=[coop], until=MONTH_END, acting_user=None)
    row = PeriodFigures.objects.get()
    assert (row.entry.code, row.period, row.as_of, row.source) == (
        "ksp-a", MONTH_END, MONTH_END, "platform")
    assert (row.cash, row.total_assets, row.total_liabilities) == (156_000_00, 156_000_00, 0)
    assert (row.total_income, row.operating_expenses, row.shu, row.equity) == (
        10_000_00, 4_000_00, 6_000_00, 156_000_00)
    assert (row.members_male, row.members_female, row.oldest_withdrawal_wait_days) == (0, 0, 0)
    # The checkpoints of the days before the last one were handed to the Dinas.
    assert ReceivedCheckpoint.objects.filter(cooperative=coop).count() == 10
    status = checkpoints_check(coop, expected_through=MONTH_END - dt.timedelta(days=1))
    assert status.ok, status.problems


def test_the_figures_from_the_books_say_loan_classes_are_not_available_yet(city):
    figures = figures_from_books(city.coop_a, BUSINESS_DATE)
    from lumbung.supervision.figures import loan_quality

    if loan_quality(city.coop_a, BUSINESS_DATE)["loans_substandard"] is None:
        assert figures["loans_substandard"] is None and figures["insider_loans"] is None


def test_a_changed_or_missing_checkpoint_is_reported(city):
    coop = city.coop_a
    post(coop, [("1101", 1_000_00, 0), ("3103", 0, 1_000_00)])
    eod_run(cooperatives=[coop], until=BUSINESS_DATE + dt.timedelta(days=4), acting_user=None)
    copies = list(ReceivedCheckpoint.objects.filter(cooperative=coop).order_by("date"))
    assert len(copies) == 4
    ReceivedCheckpoint.objects.filter(pk=copies[0].pk).update(merkle_root="f" * 64)
    ReceivedCheckpoint.objects.filter(pk=copies[2].pk).delete()
    status = checkpoints_check(coop, expected_through=BUSINESS_DATE + dt.timedelta(days=3))
    assert status.missing_days == [BUSINESS_DATE + dt.timedelta(days=2)]
    assert "akar Merkle berbeda" in status.problems[0]
    assert "20-11-2026" in status.problems[0]
    assert not status.ok


def test_books_whose_checkpoints_never_arrive_are_missing_from_their_first_day(dinas):
    from lumbung.supervision.models import Alert
    from lumbung.supervision.registry import registry_entry_for_cooperative
    from lumbung.supervision.warnings import alerts_refresh

    coop = dinas.city.coop_a
    assert checkpoints_check(coop, expected_through=BUSINESS_DATE).missing_days == []
    post(coop, [("1101", 1_000_00, 0), ("3103", 0, 1_000_00)])
    status = checkpoints_check(coop, expected_through=BUSINESS_DATE + dt.timedelta(days=2))
    assert status.missing_days == [BUSINESS_DATE + dt.timedelta(days=n) for n in range(3)]
    assert status.received == 0 and not status.ok
    registry_entry_for_cooperative(cooperative=coop, acting_user=None)
    coop.business_date = BUSINESS_DATE + dt.timedelta(days=3)
    coop.save(update_fields=["business_date"])
    alerts_refresh(office=dinas.office, today=BUSINESS_DATE + dt.timedelta(days=3),
                   acting_user=dinas.analyst)
    alert = Alert.objects.get(rule="checkpoint_missing")
    assert alert.reason == "2 hari tanpa checkpoint buku besar (mulai 20-11-2026)"


# ---------------------------------------------------------------- upload


def _filled(code: str, period: str, **values):
    book = load_workbook(io.BytesIO(upload_template(None, None)))
    sheet = book.active
    sheet["B2"], sheet["B3"] = code, period
    for row in sheet.iter_rows(min_row=6):
        if row[0].value in values:
            row[2].value = values[row[0].value]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = {"cash": 10_000_000, "cash_and_bank": 50_000_000, "current_assets": 400_000_000,
            "loans_outstanding": 300_000_000, "loans_substandard": 10_000_000, "loans_doubtful": 5_000_000,
            "loans_loss": 5_000_000, "total_assets": 500_000_000.50, "current_liabilities": 250_000_000,
            "total_liabilities": 300_000_000, "member_savings": 250_000_000, "share_capital": 80_000_000,
            "equity": 200_000_000.50, "gross_participation": 60_000_000, "total_income": 64_000_000,
            "cost_of_funds": 20_000_000, "operating_expenses": 25_000_000, "cooperative_expenses": 5_000_000,
            "shu": 12_000_000, "members_male": 120, "members_female": 180}


@pytest.fixture
def mawar(dinas):
    return registry_entry_save(office=dinas.office, entry=None,
                               raw={"code": "ksp-mawar", "name": "KSP Mawar", "kind": "KSP"},
                               acting_user=dinas.analyst)


def test_a_filled_template_is_saved(dinas, mawar):
    row = figures_upload(office=dinas.office, content=_filled("ksp-mawar", "2026-09", **GOOD),
                         acting_user=dinas.analyst)
    assert (row.entry, row.period, row.source) == (mawar, dt.date(2026, 9, 30), "unggah")
    assert row.total_assets == 500_000_000_50 and row.equity == 200_000_000_50
    assert row.members_female == 180 and row.education_expense is None
    again = figures_upload(office=dinas.office, content=_filled(
        "ksp-mawar", "2026-09", **{**GOOD, "shu": 13_000_000}), acting_user=dinas.analyst)
    assert again.pk == row.pk and again.shu == 13_000_000_00


def test_a_bad_upload_names_every_problem_and_saves_nothing(dinas, mawar):
    bad = {**GOOD, "cash": "sepuluh", "total_assets": 400_000_000, "shu": None,
           "loans_loss": 500_000_000, "members_male": -3}
    with pytest.raises(LumbungError) as refused:
        figures_upload(office=dinas.office, content=_filled("ksp-mawar", "Sept", **bad),
                       acting_user=dinas.analyst)
    assert refused.value.code == "SUPERVISION_UPLOAD_INVALID"
    problems = refused.value.problems
    assert problems[0].startswith("Sel B3: Periode \"Sept\" tidak valid")
    assert any(p.startswith("Sel C6: Kolom Kas") for p in problems)
    assert any("SHU setelah pajak" in p and "wajib diisi" in p for p in problems)
    assert any("Neraca tidak seimbang" in p for p in problems)
    assert any("melebihi total pinjaman" in p for p in problems)
    assert any("Anggota laki-laki" in p for p in problems)
    assert not PeriodFigures.objects.exists()


def test_uploads_for_unknown_or_on_platform_cooperatives_are_refused(dinas):
    from lumbung.supervision.registry import registry_entry_for_cooperative

    registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    for code, message in (("ksp-x", "tidak ada di register"), ("ksp-a", "sudah memakai Lumbung")):
        with pytest.raises(LumbungError) as refused:
            figures_upload(office=dinas.office, content=_filled(code, "2026-09", **GOOD),
                           acting_user=dinas.analyst)
        assert message in refused.value.problems[0]
    # Another office's registry is not this office's: the code is unknown there.
    with pytest.raises(LumbungError):
        figures_upload(office=dinas.city.office_b, content=_filled("ksp-a", "2026-09", **GOOD),
                       acting_user=dinas.other_analyst)
    assert not PeriodFigures.objects.exists()
