"""Run end-of-day for cooperatives: every registered step, then the business date moves on."""

from __future__ import annotations

import datetime as dt
import functools
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from lumbung.audit.services import audit_record
from lumbung.batch.models import StepFailure, StepRun
from lumbung.batch.registry import ordered_steps
from lumbung.core.errors import LumbungError
from lumbung.tenancy.models import Cooperative

ADVANCE_STEP = "batch.advance_business_date"


@dataclass
class CooperativeResult:
    cooperative: str
    dates: list[str] = field(default_factory=list)
    steps_run: int = 0
    steps_skipped: int = 0
    results: dict[str, Any] = field(default_factory=dict)
    error: dict[str, str] | None = None


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def eod_run_day(
    *,
    cooperative: Cooperative,
    business_date: dt.date,
    acting_user: Any,
    on_step: Callable[[str], None] | None = None,
) -> CooperativeResult:
    """Run the steps of one business day not done yet, then advance the business date.

    Raises LumbungError(BATCH_STEP_FAILED) after recording the failure; steps done before it
    stay done, so the next run resumes at the failed step.
    """
    result = CooperativeResult(cooperative=cooperative.code, dates=[business_date.isoformat()])
    done = set(
        StepRun.objects.filter(cooperative=cooperative, business_date=business_date).values_list(
            "step", flat=True
        )
    )
    for step in ordered_steps():
        if step.monthly and not _is_month_end(business_date):
            continue
        if step.name in done:
            result.steps_skipped += 1
            continue
        try:
            with transaction.atomic(durable=True):
                output = step.function(
                    cooperative=cooperative, business_date=business_date, acting_user=acting_user
                )
                StepRun.objects.create(
                    cooperative=cooperative,
                    business_date=business_date,
                    step=step.name,
                    result=output or {},
                )
        except Exception as exc:
            StepFailure.objects.create(
                cooperative=cooperative,
                business_date=business_date,
                step=step.name,
                error=traceback.format_exc(),
            )
            raise LumbungError(
                "BATCH_STEP_FAILED",
                step=step.name,
                cooperative=cooperative.code,
                date=business_date,
                detail=getattr(exc, "message", None) or str(exc),
            ) from exc
        result.steps_run += 1
        result.results[step.name] = output or {}
        if on_step:
            on_step(step.name)
    with transaction.atomic(durable=True):
        # The date moves only from the day just run, so a concurrent or repeated run is harmless.
        moved = Cooperative.objects.filter(pk=cooperative.pk, business_date=business_date).update(
            business_date=business_date + dt.timedelta(days=1)
        )
        if moved:
            audit_record(
                action="batch.business_date.advanced",
                acting_user=acting_user,
                cooperative=cooperative,
                data={"from": business_date.isoformat()},
            )
    cooperative.refresh_from_db(fields=["business_date"])
    return result


def eod_run(
    *,
    cooperatives: Iterable[Cooperative],
    until: dt.date | None,
    acting_user: Any,
    on_step: Callable[[Cooperative, dt.date, str], None] | None = None,
) -> list[CooperativeResult]:
    """Close business days for each cooperative up to and including `until`.

    Without `until`, closes each cooperative's current business day. A cooperative already past
    `until` is left alone (idempotent). A failure stops that cooperative only.
    """
    results = []
    for cooperative in cooperatives:
        summary = CooperativeResult(cooperative=cooperative.code)
        last = until or cooperative.business_date
        try:
            while cooperative.business_date <= last:
                day = cooperative.business_date
                one = eod_run_day(
                    cooperative=cooperative,
                    business_date=day,
                    acting_user=acting_user,
                    on_step=functools.partial(on_step, cooperative, day) if on_step else None,
                )
                summary.dates += one.dates
                summary.steps_run += one.steps_run
                summary.steps_skipped += one.steps_skipped
                summary.results[day.isoformat()] = one.results
        except LumbungError as exc:
            summary.error = {"code": exc.code, "message": exc.message}
        results.append(summary)
    return results
