"""SHU: the AD/ART split of a year's surplus, per-member shares, simulation and distribution.

Jasa modal is shared by each member's simpanan (pokok + wajib, optionally sukarela; year-end or
average month-end balance), jasa usaha by each member's participation (default: loan interest
or margin paid) - both read from ledger lines carrying `member_id`. Every split uses the largest
remainder, so the parts sum exactly to the pool; a part nobody qualifies for goes to the reserve
and is shown as residue.

Distribution (once, after the board approved the plan): one allocation entry takes the pool out
of SHU periode berjalan into the reserve, the fund liabilities and "Dana bagian SHU" (clearing);
member entries then move the clearing to each member's payable (sub-ledger "member:<pk>") or
sukarela account.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import round_sen
from lumbung.ledger.models import JournalLine
from lumbung.ledger.services import LineSpec, coa_template_name, journal_entry_post
from lumbung.members.models import Member
from lumbung.reports import calculations as calc
from lumbung.reports import selectors
from lumbung.reports.models import (
    SHU_COMPONENTS,
    BalanceMethod,
    Payout,
    SavingsBasis,
    ShuPlan,
    YearEndClosing,
)
from lumbung.reports.statements import surplus_statement
from lumbung.tenancy.access import BOOKKEEPING_ROLES
from lumbung.tenancy.models import Cooperative, CooperativeRole, CooperativeStaff

MEMBER_COMPONENTS = ("capital_services", "business_services")
CAPITAL_PURPOSES = ["equity_principal", "equity_mandatory"]
VOLUNTARY_PURPOSES = ["savings_voluntary", "savings_wadiah", "savings_mudharabah"]
DEFAULT_PARTICIPATION = {
    "ksp": ["income_loan_interest"],
    "sharia": ["income_murabahah_margin", "income_mudharabah", "income_musyarakah",
               "income_ijarah"],
}
# Typical AD/ART split (regulations.md §3.2, SECONDARY: an example, not law).
DEFAULT_SPLIT = {"reserve": Decimal(40), "capital_services": Decimal(20),
                 "business_services": Decimal(20), "board": Decimal(5), "staff": Decimal(5),
                 "education": Decimal(5), "social": Decimal(5), "regional": Decimal(0)}
# Members per posted entry. SQLite's balance guard re-sums an entry's lines on every inserted
# line, so an entry costs the square of its lines: many entries of 100 members are far quicker
# than a few of 5,000 (bench/shu.py; the savings interest posting does the same).
CHUNK = 100
SHU_ROLES = BOOKKEEPING_ROLES | {CooperativeRole.BOARD}


@dataclass
class MemberShare:
    member_id: int
    number: int | None
    name: str
    savings: Decimal
    participation: int
    capital: int = 0
    business: int = 0

    @property
    def total(self) -> int:
        return self.capital + self.business

    @property
    def savings_sen(self) -> int:
        """The savings basis (an average may have a fraction of a sen) rounded for display."""
        return round_sen(self.savings)


@dataclass
class ShuResult:
    year: int
    pool: int
    components: dict[str, int]
    # Parts nobody qualified for (sen), added to the reserve.
    unallocated: dict[str, int]
    members: list[MemberShare] = field(default_factory=list)
    # Sen handed out by the largest-remainder rule beyond each member's rounded-down share.
    rounding_sen: int = 0
    # The year's SHU setelah pajak as it is (negative: a loss, and the pool is 0).
    surplus: int = 0

    @property
    def members_total(self) -> int:
        return sum(m.total for m in self.members)


def _require_role(cooperative: Cooperative, user: Any, roles: frozenset[str]) -> None:
    held = set(CooperativeStaff.objects.filter(
        cooperative=cooperative, user=user, active=True).values_list("role", flat=True))
    if not held & roles:
        raise LumbungError("PERMISSION_DENIED")


def shu_plan(*, cooperative: Cooperative, year: int) -> ShuPlan | None:
    return ShuPlan.objects.filter(cooperative=cooperative, year=year).first()


def shu_plan_save(
    *, cooperative: Cooperative, year: int, percentages: Mapping[str, Decimal],
    savings_basis: str = SavingsBasis.PRINCIPAL_MANDATORY,
    balance_method: str = BalanceMethod.YEAR_END,
    participation_purposes: list[str] | None = None,
    payout: str = Payout.PAYABLE, acting_user: Any,
) -> ShuPlan:
    """Set the year's AD/ART split (must sum to 100%) and share rules; not after approval.

    Raises LumbungError(SHU_SPLIT_NOT_100, SHU_PLAN_APPROVED, BAD_INPUT, PERMISSION_DENIED).
    """
    _require_role(cooperative, acting_user, SHU_ROLES)
    values = {name: Decimal(percentages.get(name, 0)) for name in SHU_COMPONENTS}
    if any(v < 0 or v > 100 for v in values.values()) or sum(values.values()) != 100:
        raise LumbungError("SHU_SPLIT_NOT_100", total=f"{sum(values.values()):.2f}")
    if savings_basis not in SavingsBasis.values or balance_method not in BalanceMethod.values \
            or payout not in Payout.values:
        raise LumbungError("BAD_INPUT", detail="pilihan dasar pembagian SHU tidak dikenal")
    purposes = participation_purposes or DEFAULT_PARTICIPATION[coa_template_name(cooperative)]
    with transaction.atomic(durable=True):
        plan = ShuPlan.objects.select_for_update().filter(cooperative=cooperative,
                                                          year=year).first()
        if plan is not None and plan.approved_at is not None:
            raise LumbungError("SHU_PLAN_APPROVED", year=year)
        plan = plan or ShuPlan(cooperative=cooperative, year=year)
        for name, value in values.items():
            setattr(plan, name, value)
        plan.savings_basis = savings_basis
        plan.balance_method = balance_method
        plan.participation_purposes = list(purposes)
        plan.payout = payout
        plan.updated_by = acting_user
        plan.save()
        audit_record(action="reports.shu.plan_saved", acting_user=acting_user,
                     cooperative=cooperative, obj=plan,
                     data={"year": year, **{k: str(v) for k, v in values.items()}})
    return plan


def shu_pool(*, cooperative: Cooperative, year: int) -> int:
    """SHU setelah pajak of the year: what the closing moved, else the statement's figure."""
    closing = YearEndClosing.objects.filter(cooperative=cooperative, year=year).first()
    if closing is not None:
        return closing.surplus
    statement = surplus_statement(cooperative=cooperative, start=dt.date(year, 1, 1),
                                  end=dt.date(year, 12, 31))
    return statement.value(selectors.layout(cooperative)["surplus_key"]) or 0


def _account_ids(cooperative: Cooperative, purposes: list[str]) -> list[int]:
    return [a.pk for a in selectors.accounts_by_purpose(cooperative=cooperative,
                                                        purposes=purposes)]


def _savings_basis(cooperative: Cooperative, plan: ShuPlan) -> dict[int, Decimal]:
    purposes = CAPITAL_PURPOSES + (
        VOLUNTARY_PURPOSES if plan.savings_basis == SavingsBasis.WITH_VOLUNTARY else [])
    accounts = _account_ids(cooperative, purposes)
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    lines = JournalLine.objects.filter(cooperative=cooperative, account_id__in=accounts,
                                       member_id__isnull=False).order_by()
    if plan.balance_method == BalanceMethod.YEAR_END:
        return {int(row["member_id"] or 0): Decimal(row["c"] - row["d"])
                for row in lines.filter(date__lte=end).values("member_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))}
    opening: dict[int, int] = {
        int(row["member_id"] or 0): row["c"] - row["d"]
        for row in lines.filter(date__lt=start).values("member_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    changes: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for row in (lines.filter(date__gte=start, date__lte=end)
                .annotate(month=TruncMonth("date")).values("member_id", "month")
                .annotate(d=Sum("debit"), c=Sum("credit"))):
        changes[int(row["member_id"] or 0)][row["month"].month - 1] += row["c"] - row["d"]
    members = set(opening) | set(changes)
    return {m: calc.average_balance(opening.get(m, 0), changes[m]) for m in members}


def _participation(cooperative: Cooperative, plan: ShuPlan) -> dict[int, int]:
    accounts = _account_ids(cooperative, list(plan.participation_purposes))
    rows = (JournalLine.objects.filter(
        cooperative=cooperative, account_id__in=accounts, member_id__isnull=False,
        date__gte=dt.date(plan.year, 1, 1), date__lte=dt.date(plan.year, 12, 31))
        .order_by().values("member_id").annotate(d=Sum("debit"), c=Sum("credit")))
    return {int(row["member_id"] or 0): row["c"] - row["d"] for row in rows}


def shu_simulate(*, cooperative: Cooperative, plan: ShuPlan) -> ShuResult:
    """What each component and each member would get; writes nothing."""
    surplus = shu_pool(cooperative=cooperative, year=plan.year)
    pool = max(surplus, 0)
    components = calc.split_pool(pool, plan.percentages())
    savings = {m: b for m, b in _savings_basis(cooperative, plan).items() if b > 0}
    participation = {m: p for m, p in _participation(cooperative, plan).items() if p > 0}
    ids = set(savings) | set(participation)
    # Every member of the cooperative in one read: an IN list of thousands of ids costs more.
    people = {pk: (number, name) for pk, number, name in Member.objects.filter(
        cooperative=cooperative).values_list("pk", "number", "name") if pk in ids}
    capital = calc.largest_remainder(components["capital_services"], savings)
    business = calc.largest_remainder(components["business_services"], participation)
    unallocated = {}
    if not savings and components["capital_services"]:
        unallocated["capital_services"] = components["capital_services"]
    if not participation and components["business_services"]:
        unallocated["business_services"] = components["business_services"]
    shares = [
        MemberShare(member_id=m, number=people.get(m, (None, ""))[0],
                    name=people.get(m, (None, f"#{m}"))[1], savings=savings.get(m, Decimal(0)),
                    participation=participation.get(m, 0), capital=capital.get(m, 0),
                    business=business.get(m, 0))
        for m in sorted(ids, key=lambda pk: (people.get(pk, (None, ""))[0] or 0, pk))
    ]
    floors = 0
    for pool_part, weights in ((components["capital_services"], savings),
                               (components["business_services"], participation)):
        whole = sum(weights.values(), Decimal(0))
        if whole:
            floors += sum(int(Decimal(pool_part) * w // whole) for w in weights.values())
    distributed = sum(s.total for s in shares)
    return ShuResult(year=plan.year, pool=pool, components=components, unallocated=unallocated,
                     members=shares, rounding_sen=distributed - floors, surplus=surplus)


def shu_plan_approve(*, plan: ShuPlan, acting_user: Any) -> ShuPlan:
    """The board approves the plan (after the RAT); the person who set it cannot approve it."""
    _require_role(plan.cooperative, acting_user, frozenset({CooperativeRole.BOARD}))
    if plan.updated_by_id == getattr(acting_user, "pk", None):
        raise LumbungError("APPROVAL_SELF")
    with transaction.atomic(durable=True):
        plan = ShuPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.approved_at is not None:
            raise LumbungError("SHU_PLAN_APPROVED", year=plan.year)
        plan.approved_by = acting_user
        plan.approved_at = timezone.now()
        plan.save(update_fields=["approved_by", "approved_at"])
        audit_record(action="reports.shu.plan_approved", acting_user=acting_user,
                     cooperative=plan.cooperative, obj=plan, data={"year": plan.year})
    return plan


def _member_lines(cooperative: Cooperative, plan: ShuPlan,
                  shares: list[MemberShare]) -> list[LineSpec]:
    payable = selectors.account_by_purpose(cooperative=cooperative, purpose="shu_payable")
    voluntary: dict[int, Any] = {}
    if plan.payout == Payout.VOLUNTARY:
        from lumbung.savings.models import Kind, SavingsAccount

        for account in (SavingsAccount.objects.filter(
                cooperative=cooperative, member_id__in=[s.member_id for s in shares],
                status=SavingsAccount.Status.OPEN, product__kind__in=[Kind.VOLUNTARY, Kind.WADIAH])
                .select_related("product__ledger_account").order_by("pk")):
            voluntary.setdefault(account.member_id, account)
    lines = []
    memo = f"SHU {plan.year}"
    for share in shares:
        if not share.total:
            continue
        savings_account = voluntary.get(share.member_id)
        if savings_account is not None:
            from lumbung.savings.services import savings_lines

            lines.append(savings_lines(savings_account, credit=share.total, memo=memo))
        else:
            lines.append(LineSpec(payable.code, credit=share.total, member_id=share.member_id,
                                  subledger_ref=f"member:{share.member_id}", memo=memo))
    return lines


def shu_distribute(*, cooperative: Cooperative, year: int, acting_user: Any) -> ShuPlan:
    """Post the approved split: once, after the year-end closing, all or nothing.

    Raises LumbungError(SHU_NO_PLAN, SHU_NOT_APPROVED, SHU_YEAR_NOT_CLOSED, SHU_NOTHING,
    SHU_ALREADY_DISTRIBUTED, PERMISSION_DENIED).
    """
    _require_role(cooperative, acting_user, BOOKKEEPING_ROLES)
    with transaction.atomic(durable=True):
        plan = ShuPlan.objects.select_for_update().filter(cooperative=cooperative,
                                                          year=year).first()
        if plan is None:
            raise LumbungError("SHU_NO_PLAN", year=year)
        if plan.distributed_at is not None:
            raise LumbungError("SHU_ALREADY_DISTRIBUTED", year=year)
        if plan.approved_at is None:
            raise LumbungError("SHU_NOT_APPROVED", year=year)
        if not YearEndClosing.objects.filter(cooperative=cooperative, year=year).exists():
            raise LumbungError("SHU_YEAR_NOT_CLOSED", year=year)
        result = shu_simulate(cooperative=cooperative, plan=plan)
        if result.pool <= 0:
            raise LumbungError("SHU_NOTHING", year=year)
        purpose_code = {a.purpose: a.code for a in selectors.accounts_by_purpose(
            cooperative=cooperative,
            purposes=["current_surplus", "shu_clearing", *filter(None, SHU_COMPONENTS.values())])}
        to_accounts: dict[str, int] = defaultdict(int)
        for name, amount in result.components.items():
            purpose = SHU_COMPONENTS[name] or "shu_clearing"
            to_accounts[purpose] += amount
        for amount in result.unallocated.values():
            to_accounts["shu_clearing"] -= amount
            to_accounts["reserve"] += amount
        allocation = [LineSpec(purpose_code["current_surplus"], debit=result.pool)] + [
            LineSpec(purpose_code[purpose], credit=amount)
            for purpose, amount in to_accounts.items() if amount
        ]
        entry = journal_entry_post(
            cooperative=cooperative, lines=allocation, source="shu",
            idempotency_key=f"reports:shu:{year}:allocation",
            description=f"Pembagian SHU tahun buku {year} sesuai keputusan RAT",
            acting_user=acting_user,
        )
        member_lines = _member_lines(cooperative, plan, result.members)
        for index in range(0, len(member_lines), CHUNK):
            chunk = member_lines[index:index + CHUNK]
            total = sum(line.credit for line in chunk)
            journal_entry_post(
                cooperative=cooperative,
                lines=[LineSpec(purpose_code["shu_clearing"], debit=total), *chunk],
                source="shu", idempotency_key=f"reports:shu:{year}:members:{index // CHUNK}",
                description=f"SHU {year} bagian anggota ({index // CHUNK + 1})",
                acting_user=acting_user,
            )
        plan.entry = entry
        plan.distributed_at = timezone.now()
        plan.save(update_fields=["entry", "distributed_at"])
        audit_record(action="reports.shu.distributed", acting_user=acting_user,
                     cooperative=cooperative, obj=plan,
                     data={"year": year, "pool": result.pool, "members": len(member_lines),
                           "members_total": result.members_total})
    return plan
