"""Portfolio quality, the nightly way: penalties, ageing (days past due and class), provisioning
(PPAP / CKPN adjusted by one entry per cooperative per day), month-end interest accrual, and the
figures the screens and the Dinas read (`portfolio_quality`).

Each function reads the whole portfolio with a fixed number of queries (no query per loan), so
a night over 100,000 loans stays a handful of statements per step. Amounts in sen.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Min, Q, Sum

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountBalance, JournalEntry
from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec, journal_entry_post, journal_entry_reverse
from lumbung.loans.calculations import add_months, days_past_due, penalty
from lumbung.loans.collectibility import (
    Policy,
    default_policy,
    policy_from_data,
    portfolio_at_risk,
    provision_required,
)
from lumbung.loans.models import Contract, Instalment, Loan
from lumbung.loans.models_quality import CollectibilityPolicy, LoanQuality, PortfolioSnapshot
from lumbung.tenancy.models import Cooperative

BATCH = 2000
# Instalments with principal or interest still unpaid (penalty alone does not make a loan late).
UNPAID = Q(principal_paid__lt=F("principal")) | Q(
    interest__gt=F("interest_paid") + F("interest_waived")
)


# ---------------------------------------------------------------- policy


def policy_for(cooperative: Cooperative) -> Policy:
    """The cooperative's own policy, or the shipped default (which says it is not regulation)."""
    own = CollectibilityPolicy.objects.filter(cooperative=cooperative).first()
    return policy_from_data(own.data) if own else default_policy()


def policy_save(*, cooperative: Cooperative, data: dict[str, Any], acting_user: Any) -> Policy:
    """Replace the cooperative's policy (checked first; LOAN_POLICY_INVALID). It applies from the
    next nightly run. Audited with the old and new versions."""
    policy = policy_from_data(data)
    with transaction.atomic(durable=True):
        before = policy_for(cooperative)
        CollectibilityPolicy.objects.update_or_create(
            cooperative=cooperative,
            defaults={"data": policy.as_data(), "updated_by": acting_user},
        )
        audit_record(action="loans.collectibility_policy.changed", acting_user=acting_user,
                     cooperative=cooperative,
                     data={"before": before.as_data(), "after": policy.as_data()})
    return policy


# ---------------------------------------------------------------- penalties


def penalties_charge(*, cooperative: Cooperative, as_of: dt.date) -> dict[str, int]:
    """Bring the denda (ta'zir) of every overdue instalment up to `as_of`, by its product's rule.

    The penalty of an instalment is recomputed from its overdue amount and days late, and never
    decreases (a part-payment does not undo a penalty already charged). It is what the member
    owes, not income: a repayment that pays it books it (sharia: to the benevolence fund).
    Idempotent for a day. Queries: 1 read + 1 prepared update run for each changed row.
    """
    rows = (
        Instalment.objects.filter(cooperative=cooperative, loan__status=Loan.Status.ACTIVE,
                                  due_date__lt=as_of, loan__penalty_rate__gt=0)
        .filter(UNPAID)
        .order_by()  # any order will do; the model's (by loan number) costs a sort and a join
        .values_list("pk", "principal", "principal_paid", "interest", "interest_paid",
                     "interest_waived", "penalty", "due_date", "loan__penalty_rate",
                     "loan__penalty_period", "loan__penalty_cap_rate")
    )
    changed: list[tuple[int, int]] = []
    added = 0
    for (pk, principal, principal_paid, interest, interest_paid, waived, charged, due_date,
         rate, period, cap) in rows.iterator(chunk_size=BATCH):
        overdue = principal - principal_paid + interest - interest_paid - waived
        total = penalty(overdue=overdue, days_late=(as_of - due_date).days, rate_percent=rate,
                        period=period, cap_percent=cap)
        if total > charged:
            changed.append((total, pk))
            added += total - charged
    if changed:
        # One prepared statement for all rows: bulk_update's CASE over thousands of ids is
        # several times slower on both engines.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Instalment._meta.db_table} SET penalty = %s WHERE id = %s", changed)
    return {"instalments": len(changed), "penalty_added": added}


# ---------------------------------------------------------------- ageing


def loans_age(*, cooperative: Cooperative, as_of: dt.date, policy: Policy | None = None
              ) -> dict[str, int]:
    """Days past due, class and provision of every active loan as of `as_of` (LoanQuality).

    Outstanding is the principal not yet paid (for murabahah the cost part, i.e. the receivable
    net of deferred margin). Queries: 2 reads + 1 prepared upsert run for every loan.
    """
    policy = policy or policy_for(cooperative)
    loans = {
        pk: collateral or 0
        for pk, collateral in Loan.objects.filter(cooperative=cooperative,
                                                  status=Loan.Status.ACTIVE)
        .values_list("pk", "application__collateral_value")
    }
    figures = (
        Instalment.objects.filter(cooperative=cooperative, loan__status=Loan.Status.ACTIVE)
        .order_by()
        .values("loan_id")
        .annotate(outstanding=Sum(F("principal") - F("principal_paid")),
                  oldest=Min("due_date", filter=UNPAID & Q(due_date__lt=as_of)))
    )
    rows = []
    late = 0
    for row in figures.iterator(chunk_size=BATCH):
        loan_id = row["loan_id"]
        if loan_id not in loans:
            continue
        days = days_past_due(row["oldest"], as_of)
        late += days > 0
        loan_class = policy.classify(days)
        provision = provision_required(outstanding=row["outstanding"], loan_class=loan_class,
                                       collateral=loans[loan_id],
                                       deduct_collateral=policy.collateral_deductible)
        rows.append((cooperative.pk, loan_id, as_of, days, loan_class.code, row["outstanding"],
                     provision))
    if rows:
        # One prepared upsert for all loans (both engines know ON CONFLICT); bulk_create's
        # per-object SQL building costs more than the database work here.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {LoanQuality._meta.db_table} (cooperative_id, loan_id, as_of, "
                "days_past_due, loan_class, outstanding, provision) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (loan_id) DO UPDATE SET "
                "as_of = excluded.as_of, days_past_due = excluded.days_past_due, "
                "loan_class = excluded.loan_class, outstanding = excluded.outstanding, "
                "provision = excluded.provision",
                rows,
            )
    return {"loans": len(rows), "late": late}


# ---------------------------------------------------------------- provisioning


QualityRow = tuple[str, int, int, int, bool]


def _quality_rows(cooperative: Cooperative) -> list[QualityRow]:
    """(class, days past due, outstanding, provision, related party) of every active loan's
    last ageing."""
    return [
        (code, days, outstanding, provision, bool(related))
        for code, days, outstanding, provision, related in
        LoanQuality.objects.filter(cooperative=cooperative, loan__status=Loan.Status.ACTIVE)
        .values_list("loan_class", "days_past_due", "outstanding", "provision",
                     "loan__application__related_party")
    ]


def _figures(rows: Iterable[QualityRow], policy: Policy) -> dict[str, Any]:
    by_class: dict[str, dict[str, int]] = {
        c.code: {"loans": 0, "outstanding": 0, "provision": 0} for c in policy.classes
    }
    days_and_outstanding = []
    insider = 0
    for code, days, outstanding, provision, related in rows:
        insider += outstanding if related else 0
        bucket = by_class.setdefault(code, {"loans": 0, "outstanding": 0, "provision": 0})
        bucket["loans"] += 1
        bucket["outstanding"] += outstanding
        bucket["provision"] += provision
        days_and_outstanding.append((days, outstanding))
    performing = {c.code for c in policy.classes if c.performing}
    par = portfolio_at_risk(days_and_outstanding)
    return {
        "loans": sum(b["loans"] for b in by_class.values()),
        "outstanding": sum(b["outstanding"] for b in by_class.values()),
        "by_class": by_class,
        "npl": sum(b["outstanding"] for code, b in by_class.items() if code not in performing),
        "par30": par[30], "par60": par[60], "par90": par[90],
        "provision_required": sum(b["provision"] for b in by_class.values()),
        "insider_loans": insider,
    }


def allowance_balance(cooperative: Cooperative) -> int:
    """The loan loss allowance (CKPN) on the books, sen (credit balance)."""
    code = account_codes_by_purpose(cooperative=cooperative,
                                    purposes={"loan_loss_allowance"})["loan_loss_allowance"]
    balance = AccountBalance.objects.filter(cooperative=cooperative, account__code=code) \
        .values_list("credit", "debit").first()
    return balance[0] - balance[1] if balance else 0


def provision_adjust(*, cooperative: Cooperative, as_of: dt.date, acting_user: Any,
                     policy: Policy | None = None) -> dict[str, Any]:
    """Bring the allowance to the provision the last ageing requires with one entry
    (Dr expense_loan_loss / Cr loan_loss_allowance, or back when it falls), and keep the day's
    figures (PortfolioSnapshot). Idempotent: the entry's key is the day."""
    policy = policy or policy_for(cooperative)
    figures = _figures(_quality_rows(cooperative), policy)
    required = figures["provision_required"]
    delta = required - allowance_balance(cooperative)
    number = None
    if delta:
        codes = account_codes_by_purpose(cooperative=cooperative,
                                         purposes={"loan_loss_allowance", "expense_loan_loss"})
        expense, allowance = codes["expense_loan_loss"], codes["loan_loss_allowance"]
        amount = abs(delta)
        lines = ([LineSpec(expense, debit=amount), LineSpec(allowance, credit=amount)] if delta > 0
                 else [LineSpec(allowance, debit=amount), LineSpec(expense, credit=amount)])
        entry = journal_entry_post(
            cooperative=cooperative, lines=lines, date=as_of, source="loans.provision",
            description=f"Penyesuaian CKPN/PPAP pinjaman {as_of:%d-%m-%Y} "
                        f"(kebijakan {policy.version})",
            idempotency_key=f"loans:provision:{as_of.isoformat()}", acting_user=acting_user,
        )
        number = entry.number
    PortfolioSnapshot.objects.update_or_create(
        cooperative=cooperative, date=as_of,
        defaults={**figures, "policy_version": policy.version},
    )
    return {"required": required, "adjustment": delta, "entry": number}


def portfolio_quality(*, cooperative: Cooperative, as_of: dt.date) -> dict[str, Any]:
    """The portfolio's quality at the end of `as_of` (the last nightly figures on or before it;
    the current ageing when no night has been kept yet). Amounts in sen:
    {as_of, loans, outstanding, by_class: {code: outstanding}, class_details: {code: {loans,
    outstanding, provision}}, npl, npl_ratio (Decimal, 0..1), par30, par60, par90,
    provision_required, insider_loans (to pengurus, pengawas, staff), policy_version}.
    NPL = the non-performing classes (kurang lancar + diragukan + macet)."""
    snapshot = PortfolioSnapshot.objects.filter(cooperative=cooperative, date__lte=as_of) \
        .order_by("-date").first()
    if snapshot is not None:
        figures: dict[str, Any] = {
            "as_of": snapshot.date, "loans": snapshot.loans, "outstanding": snapshot.outstanding,
            "by_class": snapshot.by_class, "npl": snapshot.npl, "par30": snapshot.par30,
            "par60": snapshot.par60, "par90": snapshot.par90,
            "provision_required": snapshot.provision_required,
            "insider_loans": snapshot.insider_loans,
            "policy_version": snapshot.policy_version,
        }
    else:
        policy = policy_for(cooperative)
        figures = {"as_of": as_of, **_figures(_quality_rows(cooperative), policy),
                   "policy_version": policy.version}
    details = figures["by_class"]
    figures["class_details"] = details
    figures["by_class"] = {code: detail["outstanding"] for code, detail in details.items()}
    outstanding = figures["outstanding"]
    figures["npl_ratio"] = (Decimal(figures["npl"]) / outstanding if outstanding
                            else Decimal(0))
    return figures


# ---------------------------------------------------------------- month-end accrual


def _accrued_interest(rows: Iterable[tuple[int, int, dt.date, int, dt.date | None]],
                      as_of: dt.date) -> dict[int, int]:
    """Interest earned but not paid per loan at `as_of`: the unpaid interest of instalments
    already due, plus the elapsed share (by days) of the next instalment's interest."""
    earned: dict[int, int] = defaultdict(int)
    next_seen: set[int] = set()
    for loan_id, n, due_date, interest_left, disbursed_on in rows:
        if due_date <= as_of:
            earned[loan_id] += interest_left
        elif loan_id not in next_seen:
            next_seen.add(loan_id)
            start = disbursed_on if n == 1 and disbursed_on else add_months(due_date, -1)
            period, elapsed = (due_date - start).days, (as_of - start).days
            if period > 0 and elapsed > 0:
                earned[loan_id] += interest_left * min(elapsed, period) // period
    return earned


def interest_accrue(*, cooperative: Cooperative, as_of: dt.date, acting_user: Any
                    ) -> dict[str, Any]:
    """Month end: accrue the interest earned but not yet paid on performing conventional loans
    (Dr interest_receivable / Cr income_loan_interest), so the month's statements are on an
    accrual basis; the next day's run reverses it (repayments keep booking interest as paid).
    Murabahah margin is not accrued: it is recognised in proportion to instalments paid.
    Non-performing loans accrue nothing (interest in arrears is not income until paid)."""
    if cooperative.is_sharia:
        return {"accrued": 0}
    performing = {c.code for c in policy_for(cooperative).classes if c.performing}
    rows = (
        Instalment.objects.filter(
            cooperative=cooperative, loan__status=Loan.Status.ACTIVE,
            loan__contract=Contract.CONVENTIONAL, loan__quality__loan_class__in=performing,
            interest__gt=F("interest_paid") + F("interest_waived"),
        )
        .order_by("loan_id", "n")
        .values_list("loan_id", "n", "due_date",
                     F("interest") - F("interest_paid") - F("interest_waived"),
                     "loan__disbursed_on")
    )
    total = sum(_accrued_interest(rows.iterator(chunk_size=BATCH), as_of).values())
    if not total:
        return {"accrued": 0}
    codes = account_codes_by_purpose(cooperative=cooperative,
                                     purposes={"interest_receivable", "income_loan_interest"})
    entry = journal_entry_post(
        cooperative=cooperative,
        lines=[LineSpec(codes["interest_receivable"], debit=total),
               LineSpec(codes["income_loan_interest"], credit=total)],
        date=as_of, source="loans.accrual",
        description=f"Akrual jasa pinjaman akhir bulan {as_of:%m-%Y} (dibalik esok hari)",
        idempotency_key=f"loans:accrual:{as_of.isoformat()}", acting_user=acting_user,
    )
    return {"accrued": total, "entry": entry.number}


def accrual_reverse(*, cooperative: Cooperative, as_of: dt.date, acting_user: Any
                    ) -> dict[str, Any]:
    """Reverse the previous month end's accrual on the first day after it (idempotent)."""
    key = f"loans:accrual:{(as_of - dt.timedelta(days=1)).isoformat()}"
    accrual = JournalEntry.objects.filter(cooperative=cooperative, idempotency_key=key).first()
    if accrual is None or JournalEntry.objects.filter(reverses=accrual).exists():
        return {"reversed": 0}
    reversal = journal_entry_reverse(entry=accrual, idempotency_key=f"{key}:reversal",
                                     acting_user=acting_user)
    return {"reversed": accrual.total, "entry": reversal.number}


def require_active(loan: Loan) -> None:
    if loan.status != Loan.Status.ACTIVE:
        raise LumbungError("LOAN_NOT_ACTIVE", loan=loan.display_number,
                           status=loan.get_status_display())
