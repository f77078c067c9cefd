"""End-of-day and end-of-month savings work, called by steps.py (each inside its step's
transaction, so a step is all done or not at all; idempotency keys guard the postings).

- interest_accrue (daily): month-to-date interest of every interest-bearing product, computed
  per account from the ledger's daily balances; the change since yesterday is posted as one
  2-line entry per product (expense / accrued expenses).
- interest_post (month end): each account's month interest, less withholding tax, credited in
  batched multi-line entries per product (at most CHUNK accounts an entry), against the accrued
  expenses, so the daily accruals and the posting match to the sen.
- profit_share_post (month end, sharia): mudharabah profit share by nisbah on average balance.
- wajib_bill (month end): next month's simpanan wajib billed; arrears are unpaid dues.
- dormancy_mark (month end), maturities_process (daily): dormant accounts; time deposits that
  mature roll over or move to the member's voluntary account.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from django.db.models import Max, Sum

from lumbung.audit.services import audit_record
from lumbung.ledger.models import Account, JournalLine, SubledgerBalance
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.members.models import Member
from lumbung.savings import calculations
from lumbung.savings.models import (
    TIME_KINDS,
    AccrualRun,
    InterestMethod,
    Kind,
    Payout,
    SavingsAccount,
    SavingsProduct,
    WajibDue,
)
from lumbung.savings.services import RULES_DIR, savings_lines
from lumbung.tenancy.models import Cooperative

SOURCE = "savings.eod"
# Interest and profit share credited at the end of a day count from the next day, so a rerun of
# the month's computation after the posting gives the same figures.
INTEREST_SOURCE = "savings.interest"
# Accounts per posted entry: two lines each at most (interest, tax), well under the ledger's
# line-number limit, and small enough to keep one entry's hash and insert quick. (SQLite's
# balance guard keeps a running tally per entry, so a large entry costs no more per line.)
CHUNK = 5000
ACTIVE = (SavingsAccount.Status.OPEN, SavingsAccount.Status.DORMANT)
EXPENSE_PURPOSE = {
    Kind.VOLUNTARY: "expense_savings_interest",
    Kind.TIME: "expense_time_deposit_interest",
    Kind.WADIAH: "expense_wadiah_bonus",
    Kind.MUDHARABAH: "expense_mudharabah_share",
    Kind.MUDHARABAH_TIME: "expense_time_deposit_share",
}


@cache
def tax_rule() -> tuple[calculations.TaxRule, frozenset[str], str]:
    """The withholding-tax rule in force (rules/withholding_tax.yaml): rule, kinds, version."""
    with open(RULES_DIR / "withholding_tax.yaml", encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    rule = calculations.TaxRule(threshold=int(data["threshold"]) * 100,
                                rate=Decimal(str(data["rate"])), base=data["base"])
    return rule, frozenset(data["kinds"]), data["version"]


@cache
def profit_share_rule() -> dict[str, Any]:
    with open(RULES_DIR / "profit_share.yaml", encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _codes(cooperative: Cooperative) -> dict[str, str]:
    """Account code by purpose, for the cooperative's chart."""
    return dict(Account.objects.filter(cooperative=cooperative).exclude(purpose="")
                .values_list("purpose", "code"))


@dataclass(frozen=True)
class _Row:
    """One interest-bearing account, as the batch reads it (no model instances for 100,000)."""

    pk: int
    member_id: int
    rate: Decimal
    payout_to: int  # pk of the account the interest is credited to


def _daily_balances(
    cooperative: Cooperative, ledger_account_id: int, start: dt.date, end: dt.date,
    account_ids: Iterable[int],
) -> dict[int, list[int]]:
    """End-of-day balances from `start` to `end` for each account, from the ledger: two
    queries (current sub-ledger balances, and every line dated from `start`)."""
    ids = set(account_ids)
    current: dict[int, int] = defaultdict(int)
    for ref, debit, credit in SubledgerBalance.objects.filter(
        cooperative=cooperative, account_id=ledger_account_id
    ).values_list("ref", "debit", "credit"):
        pk = int(ref.removeprefix("savings:"))
        if pk in ids:
            current[pk] = credit - debit
    movements: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for ref, day, debit, credit, source in JournalLine.objects.filter(
        cooperative=cooperative, account_id=ledger_account_id, date__gte=start
    ).order_by().values_list("subledger_ref", "date", "debit", "credit", "entry__source"):
        pk = int(ref.removeprefix("savings:"))
        if pk in ids:
            effective = day + dt.timedelta(days=1) if source == INTEREST_SOURCE else day
            movements[pk].append((effective, credit - debit))
    result = {}
    for pk in ids:
        moves = movements.get(pk, [])
        opening = current.get(pk, 0) - sum(amount for _day, amount in moves)
        within = [(day, amount) for day, amount in moves if day <= end]
        result[pk] = calculations.daily_balances(opening, within, start, end)
    return result


def _interest_rows(cooperative: Cooperative, product: SavingsProduct) -> list[_Row]:
    accounts = list(
        SavingsAccount.objects.filter(cooperative=cooperative, product=product, status__in=ACTIVE)
        .order_by("pk").values_list("pk", "member_id", "rate")
    )
    voluntary: dict[int, int] = {}
    if product.kind in TIME_KINDS and product.interest_payout == Payout.MONTHLY:
        for pk, member_id in (
            SavingsAccount.objects.filter(
                cooperative=cooperative, status__in=ACTIVE,
                product__kind__in=[Kind.VOLUNTARY, Kind.WADIAH],
            ).order_by("-pk").values_list("pk", "member_id")
        ):
            voluntary[member_id] = pk
    default_rate = product.interest_rate
    return [
        _Row(pk, member_id, rate if rate is not None else default_rate,
             voluntary.get(member_id, pk))
        for pk, member_id, rate in accounts
    ]


def _interest(product: SavingsProduct, balances: list[int], rate: Decimal) -> int:
    if product.kind in TIME_KINDS or product.interest_method == InterestMethod.AVERAGE:
        return calculations.average_balance_interest(balances, rate, product.minimum_balance)
    return calculations.lowest_balance_interest(balances, rate, product.minimum_balance)


def _bears_interest(product: SavingsProduct) -> bool:
    if product.kind == Kind.TIME:
        return True
    return (product.kind == Kind.VOLUNTARY and product.interest_rate > 0
            and product.interest_method != InterestMethod.NONE)


def month_interest(
    cooperative: Cooperative, product: SavingsProduct, end: dt.date
) -> tuple[list[_Row], dict[int, int]]:
    """Each account's interest (sen) for the month of `end`, from its first day to `end`."""
    rows = _interest_rows(cooperative, product)
    balances = _daily_balances(cooperative, product.ledger_account_id,
                               calculations.month_start(end), end, (r.pk for r in rows))
    return rows, {r.pk: _interest(product, balances[r.pk], r.rate) for r in rows}


def _interest_products(cooperative: Cooperative) -> list[SavingsProduct]:
    return [p for p in SavingsProduct.objects.filter(cooperative=cooperative)
            .select_related("ledger_account").order_by("pk") if _bears_interest(p)]


def _accrue(cooperative: Cooperative, product: SavingsProduct, day: dt.date, total: int,
            codes: dict[str, str], acting_user: Any) -> int:
    """Bring the product's accrual for the month of `day` to `total` (sen); return the change
    posted. The key names the new total, so a rerun posts nothing and a later top-up the same
    day (a posting after the accrual step) is a new entry."""
    run, _ = AccrualRun.objects.select_for_update().get_or_create(
        cooperative=cooperative, product=product, month=calculations.month_start(day))
    delta = total - run.accrued
    if delta:
        expense, accrued = codes[EXPENSE_PURPOSE[Kind(product.kind)]], codes["accrued_expenses"]
        amount = abs(delta)
        lines = [LineSpec(expense, debit=amount), LineSpec(accrued, credit=amount)]
        if delta < 0:
            lines = [LineSpec(accrued, debit=amount), LineSpec(expense, credit=amount)]
        journal_entry_post(
            cooperative=cooperative, lines=lines,
            description=f"Akrual bunga {product.name} {day:%d-%m-%Y}",
            source=SOURCE, idempotency_key=f"savings:accrual:{product.pk}:{day}:{total}",
            acting_user=acting_user,
        )
    run.accrued, run.through = total, day
    run.save(update_fields=["accrued", "through"])
    return delta


def interest_accrue(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                    ) -> dict[str, int]:
    """Post today's change in month-to-date interest per product. Returns sen per product."""
    codes = _codes(cooperative)
    posted: dict[str, int] = {}
    for product in _interest_products(cooperative):
        _rows, interest = month_interest(cooperative, product, business_date)
        posted[product.code] = _accrue(cooperative, product, business_date,
                                       sum(interest.values()), codes, acting_user)
    return posted


def _post_chunks(
    cooperative: Cooperative, product: SavingsProduct, credits: dict[int, int],
    taxes: dict[int, int], debit_lines: Any, description: str,
    key: str, acting_user: Any,
) -> int:
    """Post the credits (less taxes) to the accounts in entries of at most CHUNK accounts.
    `debit_lines(chunk_total, chunk_tax)` gives each entry's other side. Returns the entries."""
    ids = sorted(pk for pk, amount in credits.items() if amount > 0)
    entries = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        # Control account and member of each account, as plain values (no model instances
        # for 100,000 accounts; a pk range, not thousands of parameters); the lines are what
        # savings_lines would build.
        where = {pk: (code, member_id) for pk, code, member_id in SavingsAccount.objects.filter(
            cooperative=cooperative, pk__gte=chunk[0], pk__lte=chunk[-1],
        ).values_list("pk", "product__ledger_account__code", "member_id")}
        lines: list[LineSpec] = []
        for pk in chunk:
            code, member_id = where[pk]
            ref = f"savings:{pk}"
            lines.append(LineSpec(code, credit=credits[pk], member_id=member_id,
                                  subledger_ref=ref, memo=description))
            if taxes.get(pk):
                lines.append(LineSpec(code, debit=taxes[pk], member_id=member_id,
                                      subledger_ref=ref, memo="PPh final"))
        total = sum(credits[pk] for pk in chunk)
        tax = sum(taxes.get(pk, 0) for pk in chunk)
        journal_entry_post(
            cooperative=cooperative, lines=debit_lines(total, tax) + lines,
            description=f"{description} ({start // CHUNK + 1})", source=INTEREST_SOURCE,
            idempotency_key=f"{key}:{start // CHUNK + 1}", acting_user=acting_user,
        )
        entries += 1
    return entries


def interest_post(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                  ) -> dict[str, Any]:
    """Month end: credit each account's month interest less withholding tax, against the
    accrued expenses the daily accruals built up (the accrual step runs first the same day)."""
    codes = _codes(cooperative)
    rule, taxed_kinds, _version = tax_rule()
    month = calculations.month_start(business_date)
    summary: dict[str, Any] = {}
    for product in _interest_products(cooperative):
        rows, interest = month_interest(cooperative, product, business_date)
        total_interest = sum(interest.values())
        _accrue(cooperative, product, business_date, total_interest, codes, acting_user)
        credits: dict[int, int] = defaultdict(int)
        taxes: dict[int, int] = defaultdict(int)
        for row in rows:
            if not interest[row.pk]:
                continue
            credits[row.payout_to] += interest[row.pk]
            if product.kind in taxed_kinds:
                taxes[row.payout_to] += calculations.withholding_tax(interest[row.pk], rule)

        def debit_lines(total: int, tax: int) -> list[LineSpec]:
            lines = [LineSpec(codes["accrued_expenses"], debit=total)]
            if tax:
                lines.append(LineSpec(codes["tax_payable"], credit=tax))
            return lines

        entries = _post_chunks(
            cooperative, product, credits, taxes, debit_lines,
            f"Bunga {product.name} {business_date:%m-%Y}",
            f"savings:interest:{product.pk}:{month:%Y-%m}", acting_user,
        )
        summary[product.code] = {"interest": total_interest, "tax": sum(taxes.values()),
                                 "accounts": len(credits), "entries": entries}
    return summary


def _month_income(cooperative: Cooperative, purposes: list[str], start: dt.date, end: dt.date
                  ) -> int:
    sums = JournalLine.objects.filter(
        cooperative=cooperative, account__purpose__in=purposes, date__gte=start, date__lte=end,
    ).order_by().aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["credit"] or 0) - (sums["debit"] or 0)


def profit_share_post(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                      ) -> dict[str, Any]:
    """Month end, sharia: each mudharabah account's share = the month's distributable income ×
    (its average balance / all funds' average balance) × its nisbah; credited to the account
    (the member on each line) against the product's profit-share expense, less withholding
    tax. A month without income shares nothing."""
    if not cooperative.is_sharia:
        return {}
    rules = profit_share_rule()
    codes = _codes(cooperative)
    start = calculations.month_start(business_date)
    income = _month_income(cooperative, rules["income_purposes"], start, business_date)
    averages: dict[int, Decimal] = {}
    nisbah: dict[int, Decimal] = {}
    products: dict[int, SavingsProduct] = {}
    total_funds = Decimal(0)
    for product in SavingsProduct.objects.filter(
        cooperative=cooperative, kind__in=rules["fund_kinds"]
    ).select_related("ledger_account"):
        rows = list(SavingsAccount.objects.filter(cooperative=cooperative, product=product)
                    .exclude(status=SavingsAccount.Status.CLOSED, closed_on__lt=start)
                    .values_list("pk", "member_id", "rate"))
        balances = _daily_balances(cooperative, product.ledger_account_id, start, business_date,
                                   (r[0] for r in rows))
        for pk, _member_id, rate in rows:
            average = calculations.average_balance(balances[pk])
            total_funds += average
            if product.kind in (Kind.MUDHARABAH, Kind.MUDHARABAH_TIME):
                averages[pk], products[pk] = average, product
                nisbah[pk] = rate if rate is not None else product.nisbah
    shares = calculations.profit_shares(averages, income, total_funds, nisbah)
    rule, taxed_kinds, _version = tax_rule()
    summary: dict[str, Any] = {"income": income, "funds": int(total_funds)}
    for product in {p.pk: p for p in products.values()}.values():
        mine = {pk: s for pk, s in shares.items() if products[pk].pk == product.pk and s > 0}
        taxes = {pk: calculations.withholding_tax(s, rule) for pk, s in mine.items()
                 if product.kind in taxed_kinds}
        expense = codes[EXPENSE_PURPOSE[Kind(product.kind)]]

        def debit_lines(total: int, tax: int, expense: str = expense) -> list[LineSpec]:
            lines = [LineSpec(expense, debit=total, memo="Bagi hasil")]
            if tax:
                lines.append(LineSpec(codes["tax_payable"], credit=tax))
            return lines

        entries = _post_chunks(
            cooperative, product, mine, taxes, debit_lines,
            f"Bagi hasil {product.name} {business_date:%m-%Y}",
            f"savings:profit-share:{product.pk}:{start:%Y-%m}", acting_user,
        )
        summary[product.code] = {"shared": sum(mine.values()), "tax": sum(taxes.values()),
                                 "entries": entries}
    return summary


def wajib_bill(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
               ) -> dict[str, int]:
    """Month end: bill next month's simpanan wajib to every member with an active wajib
    account (once per month); wajib paid ahead settles the new due at once."""
    month = calculations.month_start(business_date + dt.timedelta(days=1))
    accounts = list(
        SavingsAccount.objects.filter(
            cooperative=cooperative, product__kind=Kind.MANDATORY, status__in=ACTIVE,
            member__status=Member.Status.MEMBER,
        ).exclude(dues__month=month).select_related("product")
    )
    if not accounts:
        return {"billed": 0}
    paid_so_far = dict(WajibDue.objects.filter(account__in=accounts).values("account_id")
                       .annotate(paid=Sum("paid")).values_list("account_id", "paid"))
    ledger_ids = {a.product.ledger_account_id for a in accounts}
    balances = {ref: credit - debit for ref, debit, credit in SubledgerBalance.objects.filter(
        cooperative=cooperative, account_id__in=ledger_ids).values_list("ref", "debit", "credit")}
    dues = []
    for account in accounts:
        amount = account.product.fixed_amount
        if amount <= 0:
            continue
        ahead = balances.get(account.subledger_ref, 0) - (paid_so_far.get(account.pk) or 0)
        dues.append(WajibDue(cooperative=cooperative, account=account, month=month,
                             amount=amount, paid=max(0, min(amount, ahead))))
    WajibDue.objects.bulk_create(dues)
    return {"billed": len(dues), "amount": sum(d.amount for d in dues),
            "paid_ahead": sum(d.paid for d in dues)}


def dormancy_mark(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                  ) -> dict[str, int]:
    """Month end: open accounts without a movement of the member's own (end-of-day postings
    such as interest do not count) for the product's N months become dormant."""
    marked = 0
    for product in SavingsProduct.objects.filter(cooperative=cooperative,
                                                 dormant_after_months__gt=0):
        cutoff = calculations.add_months(business_date, -product.dormant_after_months)
        last = dict(
            JournalLine.objects.filter(cooperative=cooperative,
                                       account_id=product.ledger_account_id)
            .exclude(entry__source__in=[SOURCE, INTEREST_SOURCE]).order_by().values("subledger_ref")
            .annotate(last=Max("date")).values_list("subledger_ref", "last")
        )
        idle = [
            pk for pk, opened_on in SavingsAccount.objects.filter(
                cooperative=cooperative, product=product, status=SavingsAccount.Status.OPEN,
            ).values_list("pk", "opened_on")
            if (last.get(f"savings:{pk}") or opened_on) < cutoff
        ]
        if idle:
            SavingsAccount.objects.filter(pk__in=idle).update(
                status=SavingsAccount.Status.DORMANT)
            audit_record(action="savings.accounts.dormant", acting_user=acting_user,
                         cooperative=cooperative,
                         data={"product": product.code, "accounts": len(idle)})
            marked += len(idle)
    return {"dormant": marked}


def maturities_process(*, cooperative: Cooperative, business_date: dt.date, acting_user: Any
                       ) -> dict[str, int]:
    """Time deposits maturing today: roll over for another term, or move the balance to the
    member's voluntary account (sukarela or wadiah) and close; without one it waits, and is
    paid out without penalty."""
    from lumbung.savings.services import _balance, _close, savings_lock

    rolled = moved = 0
    due = SavingsAccount.objects.filter(
        cooperative=cooperative, product__kind__in=list(TIME_KINDS),
        status__in=ACTIVE, maturity_date=business_date,
    )
    for account in savings_lock(due):
        if account.rollover:
            account.maturity_date = calculations.add_months(
                business_date, account.term_months or account.product.term_months)
            account.save(update_fields=["maturity_date"])
            rolled += 1
            continue
        target = (
            SavingsAccount.objects.filter(
                cooperative=cooperative, member_id=account.member_id, status__in=ACTIVE,
                product__kind__in=[Kind.VOLUNTARY, Kind.WADIAH],
            ).select_related("product__ledger_account").order_by("pk").first()
        )
        balance = _balance(account)
        if target is None:
            continue
        if balance:
            journal_entry_post(
                cooperative=cooperative,
                lines=[savings_lines(account, debit=balance, memo="Jatuh tempo"),
                       savings_lines(target, credit=balance, memo=f"Pencairan {account.number}")],
                description=f"Pencairan simpanan berjangka {account.number} jatuh tempo",
                source=SOURCE, idempotency_key=f"savings:maturity:{account.pk}:{business_date}",
                acting_user=acting_user,
            )
        _close(account, business_date)
        moved += 1
    return {"rolled_over": rolled, "paid_out": moved}
