"""Early warnings: the rules of rules/warnings.yaml applied to every cooperative of an office.

`alerts_refresh` raises a warning once per rule and subject (the period, the RAT year, the first
missing checkpoint day), so a warning acknowledged or resolved stays so until the problem shows
up again for a new subject. The Dinas acknowledges and resolves warnings with notes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.supervision import calculations
from lumbung.supervision.models import Alert, PeriodFigures, RegistryEntry
from lumbung.supervision.rules import warning_rules
from lumbung.supervision.selectors import rat_held_on
from lumbung.tenancy.models import SupervisorOffice


@dataclass
class Finding:
    rule: str
    subject: str
    severity: int
    reason: str


def _metrics(entry: RegistryEntry, reports: list[PeriodFigures], today: dt.date
             ) -> tuple[dict[str, Any], dict[str, str]]:
    """The values the rules look at, and the subject of each (what a warning is about)."""
    metrics: dict[str, Any] = {}
    subjects: dict[str, str] = {}
    if reports:
        latest = reports[-1]
        figures = {name: getattr(latest, name) for name in calculations.FIGURE_NAMES}
        period = latest.period.isoformat()
        for name, value in calculations.ratios(figures).items():
            metrics[name], subjects[name] = value, period
        if len(reports) > 1:
            metrics["equity_change"] = calculations._growth(latest.equity, reports[-2].equity)
            subjects["equity_change"] = period
        metrics["cash"], subjects["cash"] = latest.cash, period
        metrics["oldest_withdrawal_wait_days"] = latest.oldest_withdrawal_wait_days
        subjects["oldest_withdrawal_wait_days"] = period
        metrics["report_age_days"] = (today - latest.period).days
        subjects["report_age_days"] = period
    return metrics, subjects


def _rat_metric(entry: RegistryEntry, rule: dict[str, Any], today: dt.date
                ) -> tuple[int | None, str]:
    year = today.year - 1
    deadline = dt.date(today.year, rule["deadline_month"], rule["deadline_day"])
    held, _ = rat_held_on(entry, today.year)
    if held is not None and held.year >= today.year:
        return 0, str(year)
    return max((today - deadline).days, 0), str(year)


def findings_for(entry: RegistryEntry, reports: list[PeriodFigures], today: dt.date,
                 checkpoints: Any = None) -> list[Finding]:
    """Every rule that fires for one cooperative, with its reason in Indonesian."""
    metrics, subjects = _metrics(entry, reports, today)
    details: dict[str, str] = {}
    if checkpoints is not None:
        metrics["checkpoint_problems"] = len(checkpoints.problems)
        subjects["checkpoint_problems"] = (checkpoints.last_date.isoformat()
                                           if checkpoints.last_date else "-")
        details["checkpoint_problems"] = "; ".join(checkpoints.problems[:2])
        metrics["checkpoint_missing_days"] = len(checkpoints.missing_days)
        if checkpoints.missing_days:
            first = checkpoints.missing_days[0]
            subjects["checkpoint_missing_days"] = first.isoformat()
            details["checkpoint_missing_days"] = first.strftime("%d-%m-%Y")
    found = []
    for rule in warning_rules()["rules"]:
        metric = rule["metric"]
        extra: dict[str, str] = {}
        if metric == "rat_overdue_days":
            value, subject = _rat_metric(entry, rule, today)
            extra["year"] = subject
        else:
            value, subject = metrics.get(metric), subjects.get(metric, "")
        if value is None:
            continue
        if "above" in rule:
            limit, fires = rule["above"], Decimal(value) > Decimal(str(rule["above"]))
        else:
            limit, fires = rule["below"], Decimal(value) < Decimal(str(rule["below"]))
        if not fires:
            continue
        shown = format_rupiah(value) if metric == "cash" else str(value).replace(".", ",")
        reason = rule["reason"].format(value=shown, limit=limit, detail=details.get(metric, ""),
                                       period=subject, **extra)
        found.append(Finding(rule["code"], subject, int(rule["severity"]), reason[:500]))
    return found


def alerts_refresh(*, office: SupervisorOffice, today: dt.date, acting_user: Any) -> int:
    """Raise the warnings that fire now and were not raised before; returns how many are new."""
    from lumbung.supervision.figures import checkpoints_check

    reports: dict[int, list[PeriodFigures]] = defaultdict(list)
    for row in PeriodFigures.objects.filter(office=office).order_by("entry_id", "period"):
        reports[row.entry_id].append(row)
    known = set(Alert.objects.filter(office=office).values_list("entry_id", "rule", "subject"))
    new = []
    for entry in RegistryEntry.objects.filter(office=office).select_related("cooperative"):
        checkpoints = None
        if entry.cooperative is not None:
            # Reasons are stored, so they are worded in the office's language (Indonesian),
            # whoever's screen asked for the refresh.
            with translation.override(settings.LANGUAGE_CODE):
                checkpoints = checkpoints_check(
                    entry.cooperative,
                    expected_through=entry.cooperative.business_date - dt.timedelta(days=2))
        for finding in findings_for(entry, reports.get(entry.pk, []), today, checkpoints):
            if (entry.pk, finding.rule, finding.subject) in known:
                continue
            new.append(Alert(office=office, entry=entry, rule=finding.rule,
                             subject=finding.subject, severity=finding.severity,
                             reason=finding.reason))
    with transaction.atomic(durable=True):
        Alert.objects.bulk_create(new)
        audit_record(action="supervision.alerts.refreshed", acting_user=acting_user,
                     office=office, data={"new": len(new)})
    return len(new)


def alert_update(*, alert: Alert, action: str, note: str, acting_user: Any) -> Alert:
    """Acknowledge (note optional) or resolve (note required) a warning, keeping the notes."""
    note = note.strip()[:1000]
    if alert.status == Alert.Status.RESOLVED:
        raise LumbungError("SUPERVISION_ALERT_CLOSED")
    if action == "resolve" and not note:
        raise LumbungError("SUPERVISION_NOTE_REQUIRED")
    now = timezone.now()
    with transaction.atomic(durable=True):
        if action == "resolve":
            alert.status, alert.resolved_by, alert.resolved_at = (
                Alert.Status.RESOLVED, acting_user, now)
        else:
            alert.status, alert.acknowledged_by, alert.acknowledged_at = (
                Alert.Status.ACKNOWLEDGED, acting_user, now)
        if note:
            stamp = f"[{timezone.localtime(now):%d-%m-%Y %H:%M} {acting_user.display_name()}] "
            alert.notes = (alert.notes + "\n" if alert.notes else "") + stamp + note
        alert.save()
        audit_record(action=f"supervision.alert.{action}", acting_user=acting_user,
                     office=alert.office, cooperative=alert.entry.cooperative, obj=alert,
                     data={"rule": alert.rule, "note": note[:200]})
    return alert
