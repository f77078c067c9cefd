"""The member's SHU slip: shown once the board approved the year's plan, the member's own share
only, figures as the reports app computes them, the PDF slip."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.cache import cache

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import JournalEntry
from lumbung.reports.closing import year_end_close
from lumbung.reports.models import ShuPlan
from lumbung.reports.shu import DEFAULT_SPLIT, shu_distribute, shu_plan_approve, shu_plan_save
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff
from tests.portal.conftest import member_client
from tests.reports.conftest import cr, dr, post

D = dt.date


@pytest.fixture
def year_2025(city, members):
    """Siti and Budi in 2025: pokok Rp1.000.000 each, wajib Rp500.000 (Siti), Rp600.000
    interest paid by Siti, Rp200.000 salaries: SHU 2025 = Rp400.000."""
    cache.clear()
    coop, siti, budi = city.coop_a, members["siti"].pk, members["budi"].pk
    post(coop, D(2025, 6, 1), dr("1101", 1_000_000_00),
         cr("3101", 1_000_000_00, member_id=siti, subledger_ref=f"member:{siti}"))
    post(coop, D(2025, 6, 2), dr("1101", 1_000_000_00),
         cr("3101", 1_000_000_00, member_id=budi, subledger_ref=f"member:{budi}"))
    post(coop, D(2025, 6, 3), dr("1101", 500_000_00),
         cr("3102", 500_000_00, member_id=siti, subledger_ref=f"member:{siti}"))
    post(coop, D(2025, 12, 1), dr("1101", 600_000_00), cr("4101", 600_000_00, member_id=siti))
    post(coop, D(2025, 12, 15), dr("5303", 200_000_00), cr("1101", 200_000_00))
    plan = shu_plan_save(cooperative=coop, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    return plan


@pytest.fixture
def board(city):
    return _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)


def test_a_plan_not_yet_approved_is_not_shown(city, members, year_2025):
    page = member_client(city.coop_a, members["siti"]).get("/m/ksp-a/shu/")
    assert "Belum ada SHU yang disahkan" in page.text and "Rp128.000,00" not in page.text
    assert member_client(city.coop_a, members["siti"], device="hp-2").get(
        "/m/ksp-a/shu/2025/slip.pdf").status_code == 404


def test_the_member_sees_their_own_share_then_that_it_was_paid(city, members, year_2025,
                                                               board):
    shu_plan_approve(plan=year_2025, acting_user=board)
    siti = member_client(city.coop_a, members["siti"])
    page = siti.get("/m/ksp-a/shu/").text
    # Pool Rp400.000: 20 % jasa modal = Rp80.000 over pokok+wajib 1.500.000 : 1.000.000
    # (Rp48.000 : Rp32.000), 20 % jasa usaha = Rp80.000 all to Siti (the only interest paid).
    assert "Rp48.000,00" in page and "Rp80.000,00" in page and "Rp128.000,00" in page
    assert "menunggu dibagikan" in page
    budi = member_client(city.coop_a, members["budi"], device="hp-budi").get("/m/ksp-a/shu/")
    assert "Rp32.000,00" in budi.text and "Rp128.000,00" not in budi.text

    year_end_close(cooperative=city.coop_a, year=2025, acting_user=city.accountant_a)
    shu_distribute(cooperative=city.coop_a, year=2025, acting_user=city.accountant_a)
    assert "Sudah dibagikan: dapat diambil di kantor" in siti.get("/m/ksp-a/shu/").text


def test_the_slip_is_a_pdf_with_the_members_figures(city, members, year_2025, board, tmp_path):
    shu_plan_approve(plan=year_2025, acting_user=board)
    response = member_client(city.coop_a, members["siti"]).get("/m/ksp-a/shu/2025/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        (tmp_path / "slip.pdf").write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(tmp_path / "slip.pdf"), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert "Siti Aminah" in text and "Rp128.000,00" in text and "Budi" not in text


def test_no_one_else_reads_a_members_slip_and_nothing_is_written(city, members, year_2025,
                                                                 board):
    shu_plan_approve(plan=year_2025, acting_user=board)
    before = (JournalEntry.objects.count(), AuditEvent.objects.count(),
              ShuPlan.objects.get().distributed_at)
    wati = member_client(city.coop_b, members["wati"], device="hp-wati")
    assert wati.get("/m/kspps-b/shu/2025/slip.pdf").status_code == 404
    assert "Rp128.000,00" not in wati.get("/m/kspps-b/shu/").text
    assert wati.get("/m/ksp-a/shu/")["Location"] == "/m/ksp-a/masuk/"
    from django.test import Client

    assert Client().get("/m/ksp-a/shu/2025/slip.pdf")["Location"] == "/m/ksp-a/masuk/"
    assert (JournalEntry.objects.count(), AuditEvent.objects.count(),
            ShuPlan.objects.get().distributed_at) == before
