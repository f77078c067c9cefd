"""Text bound for spreadsheets (CSV, XLSX) that people open in Excel or LibreOffice."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by spreadsheet programs; an account
# name such as "=HYPERLINK(...)" typed by one user would then run on another user's machine.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that cannot start a formula (prefixed with an apostrophe); other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
