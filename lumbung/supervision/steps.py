"""The Dinas's end-of-day hand-offs (order 800-899, before the ledger seals the day at 900)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lumbung.batch.registry import eod_step
from lumbung.supervision.figures import checkpoints_receive, figures_snapshot
from lumbung.tenancy.models import Cooperative


@eod_step("supervision.checkpoints", order=850)
def receive_checkpoints(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                        ) -> dict[str, Any]:
    """Copy the checkpoints sealed on earlier days to the Dinas side (today's is sealed later)."""
    received = checkpoints_receive(cooperative=cooperative,
                                   through=business_date - dt.timedelta(days=1))
    return {"received": received}


@eod_step("supervision.snapshot", order=860, monthly=True)
def snapshot(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
             ) -> dict[str, Any]:
    """The month's statement figures for the Dinas, from the trial balance."""
    row = figures_snapshot(cooperative=cooperative, as_of=business_date, acting_user=acting_user)
    return {"period": row.period.isoformat(), "total_assets": row.total_assets}
