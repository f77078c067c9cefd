"""Text bound for spreadsheets (CSV, XLSX) that people open in Excel or LibreOffice."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook

# A cell starting with one of these is read as a formula by spreadsheet programs; an account
# name such as "=HYPERLINK(...)" typed by one user would then run on another user's machine.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that cannot start a formula (prefixed with an apostrophe); other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rupiah_cell(sen: int) -> Decimal:
    """An amount for a spreadsheet cell: Rupiah as an exact decimal (shown with RUPIAH_FORMAT)."""
    return Decimal(sen) / 100


# Number format for Rupiah cells: thousands grouped, two decimals (Excel shows it localized).
RUPIAH_FORMAT = "#,##0.00"


def xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
