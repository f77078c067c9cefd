"""The demo's reports part: see demo/services.py for when each function runs."""

from __future__ import annotations

import datetime as dt

from lumbung.core.errors import LumbungError
from lumbung.demo.context import DemoCooperative
from lumbung.reports.closing import month_bounds, month_close
from lumbung.reports.shu import DEFAULT_SPLIT, shu_plan_save
from lumbung.tenancy.models import CooperativeRole
from lumbung.tenancy.services import staff_assign, user_create

DEMO_PASSWORD = "lumbung-demo"  # noqa: S105 - the demo's printed password


def today(demo: DemoCooperative) -> None:
    """After the cooperative's history is built: close every ended month in order (stopping at
    the first one a check refuses), give the cooperative a pengurus, and set up this year's SHU
    plan with the usual AD/ART split so its simulation can be shown."""
    cooperative = demo.cooperative
    accountant = demo.staff["akuntan"]
    first = cooperative.entries.order_by("date").values_list("date", flat=True).first()
    if first is not None:
        month = first.replace(day=1)
        while month_bounds(month)[1] < cooperative.business_date.replace(day=1):
            try:
                month_close(cooperative=cooperative, month=month, acting_user=accountant)
            except LumbungError:
                break
            month = month_bounds(month)[1] + dt.timedelta(days=1)
    suffix = cooperative.code.split("-", 1)[1]
    board = user_create(username=f"pengurus.{suffix}", password=DEMO_PASSWORD,
                        full_name=f"Ketua {cooperative.name}")
    staff_assign(cooperative=cooperative, user=board, role=CooperativeRole.BOARD,
                 acting_user=None)
    demo.staff["pengurus"] = board
    shu_plan_save(cooperative=cooperative, year=demo.today.year, percentages=DEFAULT_SPLIT,
                  acting_user=accountant)
