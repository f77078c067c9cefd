"""The RAT: its date for the Dinas, the package ZIP, the SHU slip and list."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from lumbung.core.errors import LumbungError
from lumbung.reports.models import RatMeeting
from lumbung.reports.rat import rat_package, rat_record, shu_list_xlsx, shu_slip_pdf
from lumbung.reports.selectors import rat_held_on
from lumbung.reports.shu import DEFAULT_SPLIT, shu_plan_save, shu_simulate

D = dt.date


def test_it_records_the_rat_date_for_the_dinas(books, city):
    assert rat_held_on(books, 2025) is None
    with pytest.raises(LumbungError) as refused:
        rat_record(cooperative=books, year=2025, held_on=D(2025, 12, 1),
                   acting_user=city.manager_a)
    assert refused.value.code == "RAT_BAD_DATE"
    with pytest.raises(LumbungError) as refused:
        rat_record(cooperative=books, year=2025, held_on=D(2026, 3, 1), acting_user=city.teller_a)
    assert refused.value.code == "PERMISSION_DENIED"
    assert not RatMeeting.objects.exists()
    rat_record(cooperative=books, year=2025, held_on=D(2026, 3, 14), place="Balai RW",
               acting_user=city.manager_a)
    assert rat_held_on(books, 2025) == D(2026, 3, 14)
    assert rat_held_on(city.coop_b, 2025) is None


def test_it_packs_statements_shu_and_templates_in_one_zip(books, city):
    plan = shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    archive = zipfile.ZipFile(io.BytesIO(rat_package(cooperative=books, year=2025)))
    names = sorted(archive.namelist())
    assert names == sorted(f"RAT-ksp-a-2025/{n}" for n in [
        "laporan-keuangan-2025.pdf", "laporan-keuangan-2025.xlsx", "pembagian-shu-2025.xlsx",
        "laporan-pertanggungjawaban-pengurus-2025.html", "laporan-pengawas-2025.html"])
    assert archive.read("RAT-ksp-a-2025/laporan-keuangan-2025.pdf").startswith(b"%PDF")
    board = archive.read("RAT-ksp-a-2025/laporan-pertanggungjawaban-pengurus-2025.html")
    assert "Rp400.000,00" in board.decode()
    result = shu_simulate(cooperative=books, plan=plan)
    book = load_workbook(io.BytesIO(shu_list_xlsx(books, result)))
    rows = list(book["Anggota"].iter_rows(min_row=2, values_only=True))
    assert rows[0][4:] == (48000, 80000, "=E2+F2")
    assert shu_slip_pdf(books, result, 1).startswith(b"%PDF")
    with pytest.raises(LumbungError):
        rat_package(cooperative=books, year=2026)
