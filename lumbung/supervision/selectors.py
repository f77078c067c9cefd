"""Reads of the Dinas console, always within one office's registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lumbung.supervision import calculations
from lumbung.supervision.models import Alert, PeriodFigures, RegistryEntry
from lumbung.tenancy.models import SupervisorOffice


def registry_filtered(office: SupervisorOffice, params: Mapping[str, Any]
                      ) -> QuerySet[RegistryEntry]:
    """The office's registry, filtered by a search text `q` (name, code, NIK koperasi) and by
    kind, kecamatan, stage and team; by name."""
    entries = RegistryEntry.objects.filter(office=office).select_related("facilitator")
    query = str(params.get("q") or "").strip()
    if query:
        entries = entries.filter(Q(name__icontains=query) | Q(code__icontains=query)
                                 | Q(nik_koperasi__icontains=query))
    for name in ("kind", "kecamatan", "stage", "team"):
        if params.get(name):
            entries = entries.filter(**{name: params[name]})
    return entries.order_by("name")


def nik_status(entry: RegistryEntry, today: dt.date) -> dict[str, Any]:
    """Is the NIK koperasi usable: present, well-formed, and its certificate still valid.

    `state` is one of missing, unknown, expired, expiring, valid; `text` says it in words."""
    from lumbung.supervision.fields import nik_koperasi_check
    from lumbung.supervision.rules import registry_rules

    rules = registry_rules()["nik_koperasi"]
    check = nik_koperasi_check(entry.nik_koperasi, rules)
    until = entry.nik_valid_until
    if not entry.nik_koperasi:
        state, text = "missing", _("Belum punya NIK koperasi")
    elif until is None:
        state, text = "unknown", _("Masa berlaku belum dicatat")
    elif until < today:
        state, text = "expired", _("Kedaluwarsa sejak %(date)s") % {
            "date": until.strftime("%d-%m-%Y")}
    elif (until - today).days <= rules["warn_days_before_expiry"]:
        state, text = "expiring", _("Segera berakhir: %(date)s") % {
            "date": until.strftime("%d-%m-%Y")}
    else:
        state, text = "valid", _("Berlaku s.d. %(date)s") % {"date": until.strftime("%d-%m-%Y")}
    return {"state": state, "text": text, "warning": check.warning}


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
        "checkpoints": _checkpoints(entry),
    }


def _checkpoints(entry: RegistryEntry) -> Any:
    if entry.cooperative is None:
        return None
    from lumbung.supervision.figures import checkpoints_check

    # The end of day hands over the checkpoints of the days before it (the day's own is sealed
    # after the hand-off), so the latest expected is two days before the open business day.
    return checkpoints_check(entry.cooperative, expected_through=entry.cooperative.business_date
                             - dt.timedelta(days=2))


# ---------------------------------------------------------------- consolidation

SUMMED = ["total_assets", "member_savings", "loans_outstanding", "equity", "shu",
          "cash_and_bank", "current_liabilities", "total_liabilities", "business_volume",
          "share_capital", "members_male", "members_female", "managers", "employees"]
DIMENSIONS = {"jenis": "entry__kind", "kecamatan": "entry__kecamatan",
              "wilayah": "entry__region_label"}


def periods(office: SupervisorOffice) -> list[dt.date]:
    """Periods for which at least one cooperative of the office has figures, oldest first."""
    return sorted(PeriodFigures.objects.filter(office=office).order_by()
                  .values_list("period", flat=True).distinct())


def _sums() -> dict[str, Any]:
    # NPL over the cooperatives that report loan classes only. These come first: once an
    # aggregate is named "loans_outstanding", that name no longer means the column.
    sums: dict[str, Any] = {
        "bad_loans": Sum(F("loans_substandard") + F("loans_doubtful") + F("loans_loss")),
        "classified_loans": Sum("loans_outstanding", filter=Q(loans_substandard__isnull=False)),
        "reporting": Count("pk"),
    }
    sums.update({name: Sum(name) for name in SUMMED})
    return sums


def _derived(row: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["npl"] = calculations.percent_of(row.get("bad_loans"), row.get("classified_loans"))
    row["liquidity"] = calculations.percent_of(row.get("cash_and_bank"),
                                         row.get("current_liabilities"))
    row["members"] = (row.get("members_male") or 0) + (row.get("members_female") or 0)
    return row


@dataclass
class Consolidation:
    period: dt.date | None
    periods: list[dt.date]
    registered: int
    totals: dict[str, Any]
    groups: dict[str, list[dict[str, Any]]]
    trend: list[dict[str, Any]]


def _in_period(office: SupervisorOffice, period: dt.date | None) -> QuerySet[PeriodFigures]:
    if period is None:
        return PeriodFigures.objects.none()
    return PeriodFigures.objects.filter(office=office, period=period)


# What the dashboard's trend chart draws; the XLSX export asks for every total.
TREND_CHART = ("total_assets", "member_savings", "loans_outstanding")


def consolidation(office: SupervisorOffice, period: dt.date | None = None, *,
                  full_trend: bool = False) -> Consolidation:
    """The sector at a glance for one period: totals, by kind, kecamatan and region, and the
    trend over every period. A fixed number of aggregate queries, whatever the size.

    The trend spans every row the office holds (10,800 for 300 cooperatives over three
    years), so by default it sums only the chart's three columns, which the (office, period,
    ...) index covers; `full_trend` sums every total (the XLSX export's trend sheet).
    """
    by_period = PeriodFigures.objects.filter(office=office).order_by().values("period")
    if full_trend:
        trend = [_derived(row) for row in by_period.annotate(**_sums()).order_by("period")]
    else:
        trend = [dict(row) for row in by_period.annotate(
            reporting=Count("pk"), **{name: Sum(name) for name in TREND_CHART}
        ).order_by("period")]
    known = [row["period"] for row in trend]
    if period not in known:
        period = known[-1] if known else None
    registered = RegistryEntry.objects.filter(office=office).count()
    rows = _in_period(office, period).order_by()
    totals = _derived(rows.aggregate(**_sums()))
    groups = {
        name: sorted((_derived(row) for row in rows.values(group=F(column))
                      .annotate(**_sums())), key=lambda row: -(row["total_assets"] or 0))
        for name, column in DIMENSIONS.items()
    }
    return Consolidation(period=period, periods=known, registered=registered, totals=totals,
                         groups=groups, trend=trend)


def group_members(office: SupervisorOffice, period: dt.date, dimension: str, value: str
                  ) -> list[PeriodFigures]:
    """The cooperatives behind one group of the consolidation (the drill-down)."""
    column = DIMENSIONS[dimension]
    return list(PeriodFigures.objects.filter(office=office, period=period, **{column: value})
                .select_related("entry").order_by("-total_assets"))


def period_rows(office: SupervisorOffice, period: dt.date | None) -> list[PeriodFigures]:
    """Every cooperative's figures for one period, with its registry entry."""
    return list(_in_period(office, period).select_related("entry").order_by("entry__name"))


def ods_rows(office: SupervisorOffice, period: dt.date | None) -> list[dict[str, Any]]:
    """One row per registered cooperative: registry facts, and the period's figures where the
    cooperative reported (members by gender and staff from the figures when given)."""
    figures = {row.entry_id: row for row in _in_period(office, period)}
    rows = []
    for entry in RegistryEntry.objects.filter(office=office).order_by("name"):
        row: dict[str, Any] = {name: getattr(entry, name) for name in (
            "code", "name", "kind", "kecamatan", "nik_koperasi", "rat_held_on",
            "members_male", "members_female", "managers", "employees")}
        row["status"] = entry.get_status_display()
        reported = figures.get(entry.pk)
        if reported is not None:
            for name in ("members_male", "members_female", "managers", "employees"):
                if getattr(reported, name) is not None:
                    row[name] = getattr(reported, name)
            for name in ("equity", "total_liabilities", "business_volume", "shu"):
                row[name] = getattr(reported, name)
        rows.append(row)
    return rows


def reporting_coverage(office: SupervisorOffice) -> dict[str, Any]:
    """Who reported: per recent period the count by source, and who is missing the latest."""
    registered = RegistryEntry.objects.filter(office=office).count()
    recent = (PeriodFigures.objects.filter(office=office).order_by().values("period")
              .annotate(platform=Count("pk", filter=Q(source="platform")),
                        upload=Count("pk", filter=Q(source="unggah")))
              .order_by("-period")[:6])
    latest = recent[0]["period"] if recent else None
    missing = RegistryEntry.objects.filter(office=office).order_by("name")
    if latest is not None:
        missing = missing.exclude(figures__period=latest)
    return {"registered": registered, "periods": list(recent), "latest": latest,
            "missing": list(missing[:100])}


def top_alerts(office: SupervisorOffice, limit: int) -> list[Alert]:
    return list(Alert.objects.filter(office=office).exclude(status=Alert.Status.RESOLVED)
                .select_related("entry").order_by("-severity", "entry__name")[:limit])
