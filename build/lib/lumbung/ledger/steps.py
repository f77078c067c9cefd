"""The ledger's end-of-day step: seal the day's part of the hash chain in a checkpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lumbung.batch.registry import eod_step
from lumbung.ledger.services import checkpoint_create
from lumbung.tenancy.models import Cooperative


@eod_step("ledger.checkpoint", order=900)
def checkpoint(
    *, cooperative: Cooperative, business_date: dt.date, acting_user: Any
) -> dict[str, Any]:
    sealed = checkpoint_create(
        cooperative=cooperative, date=business_date, acting_user=acting_user
    )
    return {
        "last_number": sealed.last_number,
        "entry_count": sealed.entry_count,
        "merkle_root": sealed.merkle_root,
    }
