"""Reads of the Dinas console, always within one office's registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lumbung.supervision.models import RegistryEntry


def rat_held_on(entry: RegistryEntry, year: int | None = None) -> tuple[dt.date | None, bool]:
    """The latest RAT date and whether it came from the cooperative's own reports.

    On-platform cooperatives report their RAT through the reports app
    (`reports.selectors.rat_held_on`); for everyone else the registry's field.
    """
    if entry.cooperative is not None:
        from lumbung.reports.selectors import rat_held_on as reported

        year = year or dt.date.today().year
        for candidate in (year, year - 1):
            held = reported(entry.cooperative, candidate)
            if held is not None:
                return held, True
    return entry.rat_held_on, False


def entry_overview(entry: RegistryEntry) -> dict[str, Any]:
    """What the detail page shows besides the profile: figures, ratings, warnings, rollout."""
    rat_date, from_books = rat_held_on(entry)
    return {
        "figures": list(entry.figures.order_by("-period")[:12]),
        "ratings": list(entry.ratings.order_by("-period", "-rated_at")[:10]),
        "alerts": list(entry.alerts.order_by("status", "-severity")[:20]),
        "steps": list(entry.steps.order_by("date", "id")),
        "rat_date": rat_date,
        "rat_from_books": from_books,
        "checkpoints": None,
    }
