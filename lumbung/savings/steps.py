"""Savings end-of-day steps (orders 100-299, docs/pengembang.md §4); the work is in periodic.py.

Daily: accrual (110), maturities (120). Month end: interest posting (150), profit share (160),
wajib billing (170), dormancy (180). Tax is withheld inside the interest and profit-share
postings (rules/withholding_tax.yaml).
"""

from __future__ import annotations

from lumbung.batch.registry import eod_step
from lumbung.savings import periodic

eod_step("savings.accrual", order=110)(periodic.interest_accrue)
eod_step("savings.maturities", order=120)(periodic.maturities_process)
eod_step("savings.interest_posting", order=150, monthly=True)(periodic.interest_post)
eod_step("savings.profit_share", order=160, monthly=True)(periodic.profit_share_post)
eod_step("savings.wajib_billing", order=170, monthly=True)(periodic.wajib_bill)
eod_step("savings.dormancy", order=180, monthly=True)(periodic.dormancy_mark)
