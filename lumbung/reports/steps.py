"""The reports' end-of-day step: on a month's last day, snapshot every account's balance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lumbung.batch.registry import eod_step
from lumbung.reports.services import month_snapshot_write
from lumbung.tenancy.models import Cooperative


@eod_step("reports.month_snapshot", order=600, monthly=True)
def month_snapshot(
    *, cooperative: Cooperative, business_date: dt.date, acting_user: Any
) -> dict[str, Any]:
    written = month_snapshot_write(cooperative=cooperative, month_end=business_date, final=False)
    return {"accounts": written}
