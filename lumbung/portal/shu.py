"""The member's SHU slips, read-only over the reports app's SHU (lumbung/reports/shu.py).

A member sees a year's share only once the board has approved that year's plan (after the
RAT): a plan still being drafted is the office's simulation, not the member's money. The
figures are the reports app's own shu_simulate; its result is kept in the cache for a while,
because it reads the whole cooperative's year and every member of a large cooperative may open
the slip in the same week.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from lumbung.reports.models import Payout, ShuPlan
from lumbung.reports.shu import MemberShare, ShuResult, shu_simulate
from lumbung.tenancy.models import Cooperative

CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class MemberShu:
    plan: ShuPlan
    result: ShuResult
    # None when the member had no savings basis and no participation that year.
    share: MemberShare | None

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def distributed(self) -> bool:
        return self.plan.distributed_at is not None

    @property
    def to_voluntary_savings(self) -> bool:
        return self.plan.payout == Payout.VOLUNTARY


def _result(cooperative: Cooperative, plan: ShuPlan) -> ShuResult:
    # An approved plan no longer changes; its distribution date is part of the key so the
    # slip says "paid" as soon as it is.
    stamps = [moment.timestamp() if moment else 0
              for moment in (plan.approved_at, plan.distributed_at)]
    key = f"portal:shu:{cooperative.pk}:{plan.pk}:{stamps[0]}:{stamps[1]}"
    result: ShuResult | None = cache.get(key)
    if result is None:
        result = shu_simulate(cooperative=cooperative, plan=plan)
        cache.set(key, result, CACHE_SECONDS)
    return result


def approved_plans(*, cooperative: Cooperative) -> list[ShuPlan]:
    return list(ShuPlan.objects.filter(cooperative=cooperative, approved_at__isnull=False)
                .order_by("-year"))


def member_shu(*, cooperative: Cooperative, member_id: int, year: int | None = None
               ) -> list[MemberShu]:
    """The member's share of each approved year (or of `year` only), newest first."""
    plans = approved_plans(cooperative=cooperative)
    if year is not None:
        plans = [plan for plan in plans if plan.year == year]
    found = []
    for plan in plans:
        result = _result(cooperative, plan)
        share = next((m for m in result.members if m.member_id == member_id), None)
        found.append(MemberShu(plan=plan, result=result, share=share))
    return found
