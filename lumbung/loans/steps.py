"""The loans and financing end-of-day steps (order 300-499, docs/pengembang.md §4).

Each runs in one transaction with its "done" row (batch/services.py); postings carry the day in
their idempotency key, so a rerun after a crash finds the first entry. Every step reads the
whole portfolio in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lumbung.batch.registry import eod_step
from lumbung.loans import collection, portfolio
from lumbung.tenancy.models import Cooperative


@eod_step("loans.accrual_reversal", order=305)
def accrual_reversal(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                     ) -> dict[str, Any]:
    return portfolio.accrual_reverse(cooperative=cooperative, as_of=business_date,
                                     acting_user=acting_user)


@eod_step("loans.collection", order=320)
def collect(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
            ) -> dict[str, Any]:
    """Due instalments: settled from the loan's credit, then auto-debited from savings."""
    return collection.collect_due(cooperative=cooperative, as_of=business_date,
                                  acting_user=acting_user)


@eod_step("loans.penalties", order=330)
def penalties(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
              ) -> dict[str, Any]:
    return portfolio.penalties_charge(cooperative=cooperative, as_of=business_date)


@eod_step("loans.ageing", order=340)
def ageing(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
           ) -> dict[str, Any]:
    return portfolio.loans_age(cooperative=cooperative, as_of=business_date)


@eod_step("loans.provisioning", order=350)
def provisioning(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                 ) -> dict[str, Any]:
    return portfolio.provision_adjust(cooperative=cooperative, as_of=business_date,
                                      acting_user=acting_user)


@eod_step("loans.accrual", order=360, monthly=True)
def accrual(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
            ) -> dict[str, Any]:
    return portfolio.interest_accrue(cooperative=cooperative, as_of=business_date,
                                     acting_user=acting_user)
