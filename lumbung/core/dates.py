"""Dates as the database drivers hand them back."""

from __future__ import annotations

import datetime as dt
from typing import Any


def as_date(value: Any) -> dt.date:
    """A date from a raw driver row: SQLite may give "YYYY-MM-DD" text, PostgreSQL a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
