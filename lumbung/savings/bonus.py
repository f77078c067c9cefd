"""Wadiah bonus (athaya): a gift the cooperative may give wadiah savers, never promised.

A wadiah yad dhamanah product has no rate (savings_product_update refuses one), so nothing
accrues and no end-of-day step pays anything. When the manager decides to reward the savers of
a month, they give a pool in Rupiah; it is split over the product's open accounts in proportion
to each account's average daily balance over that month (calculations.pro_rata, exact to the
sen), withholding tax deducted by the rule in force, and posted against the wadiah bonus expense
(entries of periodic.CHUNK accounts, source "savings.interest" so that, like interest, it
counts from the next day and is not a member's own movement for dormancy). One grant per
product and month; the manager can preview it first (wadiah_bonus_plan).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah, round_sen
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import LineSpec
from lumbung.savings import calculations, periodic
from lumbung.savings.models import Kind, SavingsAccount, SavingsProduct
from lumbung.tenancy.models import Cooperative

KEY_PREFIX = "savings:wadiah-bonus"
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")


def month_label(month: dt.date) -> str:
    return f"{MONTHS_ID[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class BonusLine:
    """One account's part of a grant (sen): its average daily balance, the bonus, the tax."""

    account_id: int
    number: str
    member_name: str
    average: Decimal
    bonus: int
    tax: int

    @property
    def net(self) -> int:
        return self.bonus - self.tax

    @property
    def average_sen(self) -> int:
        return round_sen(self.average)


@dataclass(frozen=True)
class BonusPlan:
    product: SavingsProduct
    month: dt.date  # first day of the month rewarded
    end: dt.date  # last day counted: the month's end, or the business date in the current month
    total: int
    lines: list[BonusLine]

    @property
    def tax(self) -> int:
        return sum(line.tax for line in self.lines)

    @property
    def net(self) -> int:
        return self.total - self.tax


def _key(product: SavingsProduct, month: dt.date) -> str:
    return f"{KEY_PREFIX}:{product.pk}:{month:%Y-%m}"


def granted_entry(product: SavingsProduct, month: dt.date) -> JournalEntry | None:
    """The first entry of the month's grant for the product, if one was made."""
    return JournalEntry.objects.filter(cooperative_id=product.cooperative_id,
                                       idempotency_key=f"{_key(product, month)}:1").first()


def grants(*, cooperative: Cooperative) -> list[JournalEntry]:
    """Every grant's entries, newest first (one query)."""
    return list(JournalEntry.objects.filter(cooperative=cooperative,
                                            idempotency_key__startswith=f"{KEY_PREFIX}:")
                .order_by("-number"))


def wadiah_bonus_plan(*, cooperative: Cooperative, product: SavingsProduct, month: dt.date,
                      total: int) -> BonusPlan:
    """How a pool of `total` sen for `month` would be shared. Raises SAVINGS_AMOUNT,
    SAVINGS_BONUS_PRODUCT, SAVINGS_BONUS_MONTH, SAVINGS_BONUS_NO_BALANCE. Reads only."""
    if product.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    if product.kind != Kind.WADIAH:
        raise LumbungError("SAVINGS_BONUS_PRODUCT", product=product.name)
    if isinstance(total, bool) or not isinstance(total, int) or total <= 0:
        raise LumbungError("SAVINGS_AMOUNT")
    month = calculations.month_start(month)
    today = cooperative.business_date
    if month > today:
        raise LumbungError("SAVINGS_BONUS_MONTH", month=month_label(month))
    end = min(calculations.month_end(month), today)
    accounts = list(
        SavingsAccount.objects.filter(cooperative=cooperative, product=product,
                                      status__in=periodic.ACTIVE)
        .select_related("member").order_by("pk")
    )
    balances = periodic._daily_balances(cooperative, product.ledger_account_id, month, end,
                                        (a.pk for a in accounts))
    averages = {a.pk: calculations.average_balance(balances[a.pk]) for a in accounts}
    shares = calculations.pro_rata(total, averages)
    if not any(shares.values()):
        raise LumbungError("SAVINGS_BONUS_NO_BALANCE", product=product.name,
                           month=month_label(month))
    rule, taxed_kinds, _version = periodic.tax_rule()
    taxed = product.kind in taxed_kinds
    lines = [
        BonusLine(a.pk, a.number, a.member.name, averages[a.pk], shares[a.pk],
                  calculations.withholding_tax(shares[a.pk], rule) if taxed else 0)
        for a in accounts if shares[a.pk]
    ]
    return BonusPlan(product, month, end, total, lines)


def wadiah_bonus_grant(*, cooperative: Cooperative, product: SavingsProduct, month: dt.date,
                       total: int, acting_user: Any) -> BonusPlan:
    """Give the month's wadiah bonus: the plan, posted (Dr wadiah bonus expense, Cr each
    account, tax withheld to tax payable). Raises the plan's refusals, SAVINGS_BONUS_GRANTED
    (one grant per product and month) and the ledger's (closed period). Locks the product row
    (two managers granting at once: the second sees the first), then the ledger head."""
    with transaction.atomic(durable=True):
        product = SavingsProduct.objects.select_for_update().get(pk=product.pk)
        month = calculations.month_start(month)
        earlier = granted_entry(product, month)
        if earlier is not None:
            raise LumbungError("SAVINGS_BONUS_GRANTED", product=product.name,
                               month=month_label(month), entry=earlier.number)
        plan = wadiah_bonus_plan(cooperative=cooperative, product=product, month=month,
                                 total=total)
        codes = periodic._codes(cooperative)

        def debit_lines(amount: int, tax: int) -> list[LineSpec]:
            lines = [LineSpec(codes[periodic.EXPENSE_PURPOSE[Kind.WADIAH]], debit=amount,
                              memo="Bonus wadiah")]
            if tax:
                lines.append(LineSpec(codes["tax_payable"], credit=tax))
            return lines

        entries = periodic._post_chunks(
            cooperative, product, {line.account_id: line.bonus for line in plan.lines},
            {line.account_id: line.tax for line in plan.lines if line.tax}, debit_lines,
            f"Bonus wadiah {product.name} {month_label(month)}", _key(product, month),
            acting_user,
        )
        audit_record(action="savings.wadiah_bonus.granted", acting_user=acting_user,
                     cooperative=cooperative, obj=product,
                     data={"month": f"{month:%Y-%m}", "total": total, "tax": plan.tax,
                           "accounts": len(plan.lines), "entries": entries,
                           "total_text": format_rupiah(total)})
    return plan
