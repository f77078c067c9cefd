"""Health ratings: a rule set (rules/health/*.yaml) applied to a period's figures and the
examiner's checklist. The maths is in calculations.rate; this module finds the figures, keeps
the ratings and prints them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.supervision import calculations
from lumbung.supervision.models import HealthRating, PeriodFigures, RegistryEntry
from lumbung.supervision.rules import default_ruleset_name, ruleset
from lumbung.tenancy.models import SupervisorOffice


def figures_dict(row: PeriodFigures | None) -> dict[str, int | None] | None:
    if row is None:
        return None
    return {name: getattr(row, name) for name in calculations.FIGURE_NAMES}


def year_before(period: dt.date) -> dt.date:
    return period.replace(year=period.year - 1, day=28) if period.month == 2 else \
        period.replace(year=period.year - 1)


def month_end_year_before(period: dt.date) -> dt.date:
    """The month end a year before `period` (the figures growth ratios compare with)."""
    return _month_end(year_before(period))


def checklist_items(rules: dict[str, Any]) -> list[dict[str, Any]]:
    """The checklist indicators of a rule set, each with its items, for the examiner's form."""
    return [indicator for aspect in rules["aspects"] for indicator in aspect["indicators"]
            if "items" in indicator]


def applicable(rules: dict[str, Any], kind: str) -> None:
    if kind not in rules["kinds"]:
        raise LumbungError("SUPERVISION_RULESET_KIND", ruleset=rules["name"], kind=kind)


def rating_compute(*, entry: RegistryEntry, period: dt.date, ruleset_name: str | None,
                   checklist: dict[str, bool]) -> calculations.Rating:
    """Rate an entry's period; SUPERVISION_NO_FIGURES when it has no figures for it."""
    rules = ruleset(ruleset_name or default_ruleset_name(entry.kind))
    applicable(rules, entry.kind)
    rows = {row.period: row for row in PeriodFigures.objects.filter(
        entry=entry, period__in=[period, _month_end(year_before(period))])}
    current = figures_dict(rows.get(period))
    if current is None:
        raise LumbungError("SUPERVISION_NO_FIGURES", name=entry.name,
                           period=period.strftime("%m/%Y"))
    previous = figures_dict(rows.get(_month_end(year_before(period))))
    return calculations.rate(rules, current, previous, checklist)


def _month_end(day: dt.date) -> dt.date:
    from lumbung.supervision.figures import month_end

    return month_end(day)


def rating_save(*, entry: RegistryEntry, period: dt.date, ruleset_name: str | None,
                checklist: dict[str, bool], acting_user: Any) -> HealthRating:
    """Rate and keep the rating (every ratio and score as computed), audited."""
    rating = rating_compute(entry=entry, period=period, ruleset_name=ruleset_name,
                            checklist=checklist)
    with transaction.atomic(durable=True):
        saved = HealthRating.objects.create(
            office_id=entry.office_id, entry=entry, period=period, ruleset=rating.ruleset,
            ruleset_version=rating.version, checklist=checklist, result=rating.as_dict(),
            final_score=rating.final_score, category=rating.category,
            rated_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
        audit_record(action="supervision.rating.saved", acting_user=acting_user,
                     office=entry.office, cooperative=entry.cooperative, obj=saved,
                     data={"code": entry.code, "period": period.isoformat(),
                           "score": str(rating.final_score), "category": rating.category})
    return saved


@dataclass
class OfficeRatingRow:
    entry: RegistryEntry
    rating: calculations.Rating | None
    saved: HealthRating | None


def office_ratings(office: SupervisorOffice, period: dt.date) -> list[OfficeRatingRow]:
    """Every cooperative with figures for the period, rated: the examiner's saved rating when
    there is one, else the financial indicators alone (incomplete, no checklist). Worst first."""
    previous_period = _month_end(year_before(period))
    figures: dict[tuple[int, dt.date], PeriodFigures] = {
        (row.entry_id, row.period): row for row in PeriodFigures.objects.filter(
            office=office, period__in=[period, previous_period]).select_related("entry")}
    saved = {rating.entry_id: rating for rating in HealthRating.objects.filter(
        office=office, period=period).order_by("rated_at")}
    rows = []
    for (entry_id, day), row in figures.items():
        if day != period:
            continue
        if entry_id in saved:
            rows.append(OfficeRatingRow(row.entry, None, saved[entry_id]))
            continue
        rules = ruleset(default_ruleset_name(row.entry.kind))
        rating = calculations.rate(rules, figures_dict(row) or {},
                                   figures_dict(figures.get((entry_id, previous_period))), {})
        rows.append(OfficeRatingRow(row.entry, rating, None))
    return sorted(rows, key=lambda r: (r.saved.final_score if r.saved else r.rating.final_score,  # type: ignore[union-attr]
                                       r.entry.name))
