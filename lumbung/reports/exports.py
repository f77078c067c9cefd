"""A statement in every format a user asks for: text, CSV, JSON, XLSX (formulas for totals), PDF.

All read a `Statement`; none computes an amount of its own except the spreadsheet, whose total
cells are formulas over the cells above them (so an auditor can follow them in Excel).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lumbung.core.documents import pdf_from_template
from lumbung.core.money import format_rupiah
from lumbung.core.spreadsheet import RUPIAH_FORMAT, rupiah_cell, safe_cell, xlsx_bytes
from lumbung.reports.statements import Statement
from lumbung.tenancy.models import CooperativeRole, CooperativeStaff

FORMATS = ("text", "json", "csv", "xlsx", "pdf")


def statement_json(statement: Statement) -> str:
    return json.dumps(statement.as_dict(), ensure_ascii=False)


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "code", "label", *statement.columns])
    for line in statement.lines:
        writer.writerow([line.kind, safe_cell(line.code), safe_cell(line.label),
                         *["" if v is None else v for v in line.values]])
    return out.getvalue()


def statement_text(statement: Statement) -> str:
    width = 22
    out = [f"{statement.title.upper()} - {statement.cooperative.name}",
           f"{statement.start.isoformat()} s.d. {statement.end.isoformat()}", ""]
    out.append(f"{'':<58}" + "".join(f"{c[:width]:>{width + 1}}" for c in statement.columns))
    for line in statement.lines:
        indent = {"heading": "", "group": "  ", "account": "    ", "total": ""}.get(line.kind, "")
        label = f"{indent}{line.code + ' ' if line.code else ''}{line.label}"[:58]
        cells = "".join(
            f"{'' if v is None else format_rupiah(v, symbol=False):>{width + 1}}"
            for v in line.values
        )
        out.append(f"{label:<58}{cells}")
    for check in statement.checks:
        out.append(f"[{'OK' if check.ok else 'SELISIH'}] {check.label}")
    out.extend(statement.notes)
    return "\n".join(out) + "\n"


def write_sheet(sheet: Worksheet, statement: Statement) -> None:
    """The statement on one sheet: amounts as numbers, group and total cells as formulas."""
    sheet.append([statement.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([statement.cooperative.name])
    sheet.append([f"{statement.start.isoformat()} s.d. {statement.end.isoformat()}",
                  _("dalam Rupiah")])
    sheet.append([])
    sheet.append([_("Kode"), _("Uraian"), *statement.columns])
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    first_row = 6
    row_of: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    for offset, line in enumerate(statement.lines):
        members.setdefault(line.group, []).append(first_row + offset) if line.group else None
    for offset, line in enumerate(statement.lines):
        row = first_row + offset
        if line.key:
            row_of[line.key] = row
        sheet.cell(row=row, column=1, value=str(safe_cell(line.code)))
        label = sheet.cell(row=row, column=2, value=str(safe_cell(line.label)))
        if line.kind in ("heading", "total"):
            label.font = Font(bold=True)
        for index, value in enumerate(line.values):
            column = 3 + index
            letter = get_column_letter(column)
            cell = sheet.cell(row=row, column=column)
            detail_rows = members.get(line.key, []) if line.kind == "group" else []
            if line.kind == "total" and line.formula and all(k in row_of for k in line.formula):
                cell.value = "=" + "".join(
                    f"{'+' if sign > 0 else '-'}{letter}{row_of[k]}"
                    for k, sign in line.formula.items()
                ).lstrip("+")
            elif line.kind == "total" and line.key and line.key in members:
                rows = members[line.key]
                cell.value = f"=SUM({letter}{rows[0]}:{letter}{rows[-1]})"
            elif detail_rows and len(detail_rows) == detail_rows[-1] - detail_rows[0] + 1:
                cell.value = f"=SUM({letter}{detail_rows[0]}:{letter}{detail_rows[-1]})"
            elif value is not None:
                cell.value = rupiah_cell(value)
            else:
                continue
            cell.number_format = RUPIAH_FORMAT
            if line.kind == "total":
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 52
    for index in range(len(statement.columns)):
        sheet.column_dimensions[get_column_letter(3 + index)].width = 22
    end = first_row + len(statement.lines) + 1
    for check in statement.checks:
        sheet.cell(row=end, column=2, value=f"[{'OK' if check.ok else 'SELISIH'}] {check.label}")
        end += 1
    for note in statement.notes:
        sheet.cell(row=end, column=2, value=note)
        end += 1


def statements_xlsx(statements: Sequence[Statement]) -> bytes:
    workbook = Workbook()
    for sheet in list(workbook.worksheets):
        workbook.remove(sheet)
    for statement in statements:
        write_sheet(workbook.create_sheet(statement.name[:31]), statement)
    return xlsx_bytes(workbook)


def signatories(statement: Statement) -> list[str]:
    """Names of the cooperative's pengurus, who sign the statements (Permenkop 2/2024 Pasal 7)."""
    staff = (
        CooperativeStaff.objects.filter(cooperative=statement.cooperative,
                                        role=CooperativeRole.BOARD, active=True)
        .select_related("user")
        .order_by("user__username")
    )
    return [str(member.user) for member in staff]


def statements_pdf(statements: Sequence[Statement]) -> bytes:
    first = statements[0]
    return pdf_from_template("reports/statement.pdf.html", {
        "statements": statements,
        "cooperative": first.cooperative,
        "signatories": signatories(first),
        "printed_at": timezone.localtime(),
    })


def render(statement: Statement, fmt: str) -> bytes:
    if fmt == "pdf":
        return statements_pdf([statement])
    if fmt == "xlsx":
        return statements_xlsx([statement])
    text = {"json": statement_json, "csv": statement_csv}.get(fmt, statement_text)(statement)
    return text.encode("utf-8")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}
