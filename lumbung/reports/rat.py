"""The RAT: its date (read by the Dinas through selectors.rat_held_on) and the package for it.

The package is one ZIP: the statements as one signed PDF and one XLSX, the SHU split and the
member list (XLSX), each member's share, and templates for the board's and the supervisory
board's reports (Laporan pertanggungjawaban pengurus, laporan pengawas).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from lumbung.audit.services import audit_record
from lumbung.core.documents import pdf_from_template
from lumbung.core.errors import LumbungError
from lumbung.core.spreadsheet import RUPIAH_FORMAT, rupiah_cell, safe_cell, xlsx_bytes
from lumbung.reports import exports
from lumbung.reports.models import SHU_COMPONENTS, RatMeeting, ShuPlan
from lumbung.reports.shu import SHU_ROLES, ShuResult, _require_role, shu_simulate
from lumbung.reports.statements import build
from lumbung.tenancy.models import Cooperative

PACKAGE_REPORTS = ("balance-sheet", "surplus-statement", "equity-changes", "cash-flow",
                   "member-promotion")
COMPONENT_LABELS = {
    "reserve": gettext_lazy("Cadangan"), "capital_services": gettext_lazy("Jasa modal"),
    "business_services": gettext_lazy("Jasa usaha"),
    "board": gettext_lazy("Dana pengurus dan pengawas"), "staff": gettext_lazy("Dana karyawan"),
    "education": gettext_lazy("Dana pendidikan"), "social": gettext_lazy("Dana sosial"),
    "regional": gettext_lazy("Dana pembangunan daerah kerja"),
}


def rat_record(*, cooperative: Cooperative, year: int, held_on: dt.date, place: str = "",
               attendees: int = 0, acting_user: Any) -> RatMeeting:
    """Record (or correct) the date of the RAT for book year `year`; audited.

    Raises LumbungError(RAT_BAD_DATE) for a date before the book year ended or in the future.
    """
    _require_role(cooperative, acting_user, SHU_ROLES)
    if held_on <= dt.date(year, 12, 31) or held_on > cooperative.business_date:
        raise LumbungError("RAT_BAD_DATE", year=year, date=held_on)
    with transaction.atomic(durable=True):
        meeting, _created = RatMeeting.objects.update_or_create(
            cooperative=cooperative, year=year,
            defaults={"held_on": held_on, "place": place[:200], "attendees": attendees,
                      "recorded_by": acting_user},
        )
        audit_record(action="reports.rat.recorded", acting_user=acting_user,
                     cooperative=cooperative, obj=meeting,
                     data={"year": year, "held_on": held_on.isoformat()})
    return meeting


def shu_list_xlsx(cooperative: Cooperative, result: ShuResult) -> bytes:
    """The split and every member's share; totals are formulas over the rows above."""
    workbook = Workbook()
    split = workbook.active
    assert split is not None
    split.title = _("Pembagian SHU")
    split.append([_("Pembagian SHU tahun buku {year}").format(year=result.year),
                  cooperative.name])
    split.append([])
    split.append([_("Bagian"), _("Jumlah (Rp)")])
    for name in SHU_COMPONENTS:
        split.append([str(COMPONENT_LABELS[name]), rupiah_cell(result.components[name])])
    last = split.max_row
    split.append([_("SHU setelah pajak"), f"=SUM(B4:B{last})"])
    for name, amount in result.unallocated.items():
        split.append([_("Tanpa penerima, ke cadangan: ") + str(COMPONENT_LABELS[name]),
                      rupiah_cell(amount)])
    for row in split.iter_rows(min_row=4, min_col=2, max_col=2):
        row[0].number_format = RUPIAH_FORMAT
    split.column_dimensions["A"].width = 44
    split.column_dimensions["B"].width = 22
    members = workbook.create_sheet(_("Anggota"))
    members.append([_("No. anggota"), _("Nama"), _("Simpanan (dasar jasa modal)"),
                    _("Partisipasi (dasar jasa usaha)"), _("Jasa modal"), _("Jasa usaha"),
                    _("Jumlah SHU")])
    for cell in members[1]:
        cell.font = Font(bold=True)
    for number, share in enumerate(result.members, start=2):
        members.append([share.number, safe_cell(share.name), rupiah_cell(share.savings_sen),
                        rupiah_cell(share.participation), rupiah_cell(share.capital),
                        rupiah_cell(share.business), f"=E{number}+F{number}"])
    end = members.max_row
    members.append(["", _("JUMLAH"), f"=SUM(C2:C{end})", f"=SUM(D2:D{end})",
                    f"=SUM(E2:E{end})", f"=SUM(F2:F{end})", f"=SUM(G2:G{end})"])
    for row in members.iter_rows(min_row=2, min_col=3, max_col=7):
        for cell in row:
            cell.number_format = RUPIAH_FORMAT
    for letter, width in zip("ABCDEFG", (12, 32, 22, 22, 18, 18, 18), strict=True):
        members.column_dimensions[letter].width = width
    return xlsx_bytes(workbook)


def shu_slip_pdf(cooperative: Cooperative, result: ShuResult, member_id: int) -> bytes:
    """One member's SHU slip (A6)."""
    share = next((m for m in result.members if m.member_id == member_id), None)
    if share is None:
        raise LumbungError("NOT_FOUND")
    plan = ShuPlan.objects.filter(cooperative=cooperative, year=result.year).first()
    return pdf_from_template("reports/shu_slip.pdf.html", {
        "cooperative": cooperative, "result": result, "share": share, "plan": plan,
        "printed_at": timezone.localtime()})


def rat_package(*, cooperative: Cooperative, year: int) -> bytes:
    """The ZIP for the RAT of book year `year` (statements for the year beside the previous)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if end >= cooperative.business_date:
        raise LumbungError("REPORT_YEAR_NOT_ENDED", year=year)
    statements = [build(name, cooperative=cooperative, start=start, end=end)
                  for name in PACKAGE_REPORTS]
    plan = ShuPlan.objects.filter(cooperative=cooperative, year=year).first()
    meeting = RatMeeting.objects.filter(cooperative=cooperative, year=year).first()
    context = {"cooperative": cooperative, "year": year, "meeting": meeting,
               "statements": {s.name.replace("-", "_"): s for s in statements}}
    buffer = io.BytesIO()
    prefix = f"RAT-{cooperative.code}-{year}"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{prefix}/laporan-keuangan-{year}.pdf",
                         exports.statements_pdf(statements))
        archive.writestr(f"{prefix}/laporan-keuangan-{year}.xlsx",
                         exports.statements_xlsx(statements))
        if plan is not None:
            result = shu_simulate(cooperative=cooperative, plan=plan)
            archive.writestr(f"{prefix}/pembagian-shu-{year}.xlsx",
                             shu_list_xlsx(cooperative, result))
        for template, name in (("board_report", "laporan-pertanggungjawaban-pengurus"),
                               ("supervisory_report", "laporan-pengawas")):
            archive.writestr(f"{prefix}/{name}-{year}.html",
                             render_to_string(f"reports/rat_{template}.html", context))
    return buffer.getvalue()
