"""Every write of the loans app: products, applications and their approval, disbursement,
repayments. Services take `cooperative` first and `acting_user` last; money movements run in one
durable transaction, lock the loan row first (then the savings or drawer rows, the ledger head
last, inside journal_entry_post) and post one balanced entry built by loans/accounting.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import SEN_PER_RUPIAH, format_rupiah, round_sen
from lumbung.ledger.selectors import account_codes_by_purpose
from lumbung.ledger.services import LineSpec, journal_entry_post, role_limit
from lumbung.loans import calculations, selectors
from lumbung.loans.accounting import RepaymentSplit, booking_codes_cached, booking_for
from lumbung.loans.models import (
    SHARIA_CONTRACTS,
    Contract,
    Instalment,
    Loan,
    LoanApplication,
    LoanApprovalVote,
    LoanProduct,
    LoanRepayment,
)
from lumbung.members.models import Member
from lumbung.savings.exit import ExitObligation, exit_obligation
from lumbung.savings.models import EQUITY_KINDS, TIME_KINDS, SavingsAccount
from lumbung.savings.selectors import balances_of
from lumbung.savings.services import (
    Counterpart,
    counterpart_by_purpose,
    savings_available,
    savings_lines,
    savings_lock,
)
from lumbung.tenancy.models import Cooperative, CooperativeRole

RULES_DIR = Path(__file__).parent / "rules"
RUPIAH_FIELDS = ("min_amount", "max_amount", "admin_fee", "committee_threshold")
RATE_FIELDS = ("annual_rate", "provision_rate", "admin_rate", "insurance_rate", "penalty_rate",
               "penalty_cap_rate")


@cache
def rules(name: str) -> dict[str, Any]:
    """A rules file of loans/rules/ (version, source, confidence and the rules)."""
    with open(RULES_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def contracts_for(cooperative: Cooperative) -> frozenset[str]:
    """Sharia cooperatives (KSPPS, BMT) finance with sharia contracts only; the others lend
    conventionally."""
    return SHARIA_CONTRACTS if cooperative.is_sharia else frozenset({Contract.CONVENTIONAL})


def loan_products_install(*, cooperative: Cooperative, acting_user: Any) -> list[LoanProduct]:
    """Create the default products (rules/products.yaml) the cooperative does not have yet.
    Idempotent; returns the products created."""
    data = rules("products")
    group = "sharia" if cooperative.is_sharia else "conventional"
    with transaction.atomic():
        existing = set(LoanProduct.objects.filter(cooperative=cooperative)
                       .values_list("code", flat=True))
        created = []
        for row in data[group]:
            if row["code"] in existing:
                continue
            values = dict(row)
            for field in RUPIAH_FIELDS:
                if field in values:
                    values[field] = int(values[field]) * SEN_PER_RUPIAH
            for field in RATE_FIELDS:
                if values.get(field) is not None:
                    values[field] = Decimal(str(values[field]))
            created.append(LoanProduct.objects.create(
                cooperative=cooperative, rules_version=data["version"], **values
            ))
        if created:
            audit_record(action="loans.products.installed", acting_user=acting_user,
                         cooperative=cooperative,
                         data={"version": data["version"], "codes": [p.code for p in created]})
    return created


# ---------------------------------------------------------------- applications and approval

APPROVAL_ACTION = "loans.approval"
SOURCE = "loans"
# Front office: who takes applications, pays out and takes repayments.
LOAN_OFFICE_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER,
                               CooperativeRole.ACCOUNTANT})
# Who may decide on applications (their loans.approval limit says up to how much).
LOAN_APPROVER_ROLES = frozenset({CooperativeRole.MANAGER, CooperativeRole.BOARD})


def _check_tenant(cooperative: Cooperative, *objects: Any) -> None:
    if any(obj.cooperative_id != cooperative.pk for obj in objects):
        raise LumbungError("NOT_FOUND")


def _check_terms(cooperative: Cooperative, product: LoanProduct, amount: int, term: int) -> None:
    if not product.active:
        raise LumbungError("LOAN_PRODUCT_INACTIVE", product=product.name)
    if product.contract not in contracts_for(cooperative):
        raise LumbungError("LOAN_PRODUCT_CONTRACT", contract=product.get_contract_display(),
                           kind=cooperative.kind)
    if not isinstance(amount, int) or not product.min_amount <= amount <= product.max_amount:
        raise LumbungError("LOAN_AMOUNT_RANGE", minimum=format_rupiah(product.min_amount),
                           maximum=format_rupiah(product.max_amount))
    if not product.min_term <= term <= product.max_term or term <= product.grace_months:
        raise LumbungError("LOAN_TERM_RANGE", minimum=max(product.min_term,
                                                          product.grace_months + 1),
                           maximum=product.max_term)


def _check_lending_limit(check: selectors.LendingLimitCheck) -> None:
    if not check.ok:
        raise LumbungError(
            "LOAN_LENDING_LIMIT", total=format_rupiah(check.total),
            limit=format_rupiah(check.limit), percent=check.percent,
            own_capital=format_rupiah(check.own_capital),
        )


def loan_application_submit(
    *,
    cooperative: Cooperative,
    member: Member,
    product: LoanProduct,
    amount: int,
    term_months: int,
    purpose: str,
    acting_user: Any,
    related_party: bool = False,
    **details: Any,
) -> LoanApplication:
    """Record a member's application with its 5C notes, collateral and guarantor.

    Refuses a calon anggota or a former member (closed loop), amounts and terms outside the
    product, and a request that would put the member above the BMPP. `acting_user` is None when
    the member applies in the member's app (the application then has no staff maker). Raises
    LOAN_MEMBER_NOT_ACTIVE, LOAN_PRODUCT_INACTIVE, LOAN_PRODUCT_CONTRACT, LOAN_AMOUNT_RANGE,
    LOAN_TERM_RANGE, LOAN_LENDING_LIMIT, BAD_INPUT.
    """
    _check_tenant(cooperative, member, product)
    purpose = purpose.strip()
    if not purpose:
        raise LumbungError("BAD_INPUT", detail=_("tujuan pinjaman wajib diisi"))
    if member.status != Member.Status.MEMBER:
        raise LumbungError("LOAN_MEMBER_NOT_ACTIVE", member=member.name)
    _check_terms(cooperative, product, amount, term_months)
    if details.get("collateral_value", 0) < 0:
        raise LumbungError("BAD_AMOUNT", value=details["collateral_value"])
    with transaction.atomic(durable=True):
        # The member row serialises two applications of one member (the BMPP sums them).
        Member.objects.select_for_update().get(pk=member.pk)
        _check_lending_limit(selectors.lending_limit_check(
            cooperative=cooperative, member=member, amount=amount, related_party=related_party))
        application = LoanApplication.objects.create(
            cooperative=cooperative, member=member, product=product, amount=amount,
            term_months=term_months, purpose=purpose[:300], related_party=related_party,
            applied_on=cooperative.business_date, submitted_by=acting_user, **details,
        )
        audit_record(action="loans.application.submitted", acting_user=acting_user,
                     cooperative=cooperative, obj=application,
                     data={"member": member.pk, "amount": amount, "term": term_months,
                           "product": product.code})
    return application


@dataclass(frozen=True)
class LoanQuote:
    """What a loan of a product would look like if approved and paid out on the business date:
    the schedule and the fees deducted at disbursement (sen)."""

    product: LoanProduct
    amount: int
    term_months: int
    schedule: list[calculations.ScheduleRow]
    provision_fee: int
    admin_fee: int
    insurance_premium: int

    @property
    def fees(self) -> int:
        return self.provision_fee + self.admin_fee + self.insurance_premium

    @property
    def net(self) -> int:
        """What the member receives: the amount less the fees."""
        return self.amount - self.fees

    @property
    def total_interest(self) -> int:
        return calculations.total_interest(self.schedule)


def _fees(product: LoanProduct, amount: int) -> tuple[int, int, int]:
    """Provision, administration and insurance for `amount` under the product's rates."""
    return (_percent_of(amount, product.provision_rate),
            _percent_of(amount, product.admin_rate) + product.admin_fee,
            _percent_of(amount, product.insurance_rate))


def loan_quote(*, cooperative: Cooperative, product: LoanProduct, amount: int,
               term_months: int) -> LoanQuote:
    """A simulation on the product's own terms, with the checks an application gets first.
    Writes nothing. Raises NOT_FOUND (another cooperative's product), LOAN_PRODUCT_INACTIVE,
    LOAN_PRODUCT_CONTRACT, LOAN_AMOUNT_RANGE, LOAN_TERM_RANGE, LOAN_FEES_EXCEED_PRINCIPAL."""
    _check_tenant(cooperative, product)
    _check_terms(cooperative, product, amount, term_months)
    provision, admin, insurance = _fees(product, amount)
    if provision + admin + insurance >= amount:
        raise LumbungError("LOAN_FEES_EXCEED_PRINCIPAL",
                           fees=format_rupiah(provision + admin + insurance),
                           principal=format_rupiah(amount))
    rows = calculations.schedule(
        principal=amount, annual_rate=product.annual_rate, months=term_months,
        method=product.method, start=cooperative.business_date,
        grace_months=product.grace_months, rounding_unit=product.rounding_unit)
    return LoanQuote(product=product, amount=amount, term_months=term_months, schedule=rows,
                     provision_fee=provision, admin_fee=admin, insurance_premium=insurance)


def approvals_needed(application: LoanApplication) -> int:
    """One approver, two (a committee) above the product's threshold."""
    threshold = application.product.committee_threshold
    return 2 if threshold and application.amount > threshold else 1


def loan_application_decide(
    *, application: LoanApplication, approve: bool, note: str = "", acting_user: Any
) -> LoanApplication:
    """One person's decision. The maker never approves (but may withdraw: cancelled); approving
    needs a loans.approval limit covering the amount, rejecting any such limit. The last
    approval needed (two above the committee threshold) re-checks the BMPP and creates the
    Loan with its fees. Raises LOAN_NOT_PENDING, LOAN_MAKER_APPROVES, LOAN_ALREADY_VOTED,
    LOAN_APPROVAL_LIMIT, PERMISSION_DENIED, LOAN_LENDING_LIMIT. Locks the member, then the
    application."""
    cooperative = application.cooperative
    with transaction.atomic(durable=True):
        Member.objects.select_for_update().get(pk=application.member_id)
        application = (LoanApplication.objects.select_for_update(of=("self",))
                       .select_related("product", "member", "cooperative")
                       .get(pk=application.pk))
        if application.status != LoanApplication.Status.SUBMITTED:
            raise LumbungError("LOAN_NOT_PENDING", status=application.get_status_display())
        own = application.submitted_by_id == acting_user.pk
        limit = role_limit(cooperative=cooperative, user=acting_user, action=APPROVAL_ACTION)
        if own and approve:
            raise LumbungError("LOAN_MAKER_APPROVES")
        if not own and limit <= 0:
            raise LumbungError("PERMISSION_DENIED")
        if approve and application.amount > limit:
            raise LumbungError("LOAN_APPROVAL_LIMIT", limit=format_rupiah(limit),
                               amount=format_rupiah(application.amount))
        if application.votes.filter(user=acting_user).exists():
            raise LumbungError("LOAN_ALREADY_VOTED")
        if not own:
            LoanApprovalVote.objects.create(application=application, user=acting_user,
                                            approve=approve, note=note[:300])
        day = cooperative.business_date
        if not approve:
            application.status = (LoanApplication.Status.CANCELLED if own
                                  else LoanApplication.Status.REJECTED)
            application.decided_on = day
        elif application.votes.filter(approve=True).count() >= approvals_needed(application):
            _check_lending_limit(selectors.lending_limit_check(
                cooperative=cooperative, member=application.member, amount=application.amount,
                related_party=application.related_party, excluding_application=application))
            application.status = LoanApplication.Status.APPROVED
            application.decided_on = day
            _loan_create(application)
        application.save(update_fields=["status", "decided_on"])
        audit_record(action="loans.application.approved" if approve else
                     "loans.application.rejected", acting_user=acting_user,
                     cooperative=cooperative, obj=application,
                     data={"amount": application.amount, "status": application.status,
                           "note": note[:300]})
    return application


def _percent_of(amount: int, rate: Decimal) -> int:
    return round_sen(Decimal(amount) * rate / 100)


def _loan_create(application: LoanApplication) -> Loan:
    """The loan of a fully approved application, numbered under the cooperative row lock."""
    product, amount = application.product, application.amount
    cooperative = Cooperative.objects.select_for_update().get(pk=application.cooperative_id)
    last = Loan.objects.filter(cooperative=cooperative).aggregate(n=Max("number"))["n"] or 0
    loan = Loan(
        cooperative=cooperative, number=last + 1, member=application.member, product=product,
        application=application, contract=product.contract, method=product.method,
        principal=amount, annual_rate=product.annual_rate, term_months=application.term_months,
        grace_months=product.grace_months, approved_on=cooperative.business_date,
    )
    loan.provision_fee, loan.admin_fee, loan.insurance_premium = _fees(product, amount)
    loan.take_terms(product)
    if loan.fees >= loan.principal:
        raise LumbungError("LOAN_FEES_EXCEED_PRINCIPAL", fees=format_rupiah(loan.fees),
                           principal=format_rupiah(loan.principal))
    loan.save()
    return loan


# ---------------------------------------------------------------- disbursement


def loan_lock(loan: Loan) -> Loan:
    """Lock the loan row (after the member's savings accounts, before the drawer and the
    ledger head) and return it fresh."""
    return (Loan.objects.select_for_update(of=("self",))
            .select_related("product", "member", "cooperative").get(pk=loan.pk))


def _schedule_for(loan: Loan, start: dt.date) -> list[calculations.ScheduleRow]:
    return calculations.schedule(
        principal=loan.principal, annual_rate=loan.annual_rate, months=loan.term_months,
        method=loan.method, start=start, grace_months=loan.grace_months,
        rounding_unit=loan.rounding_unit,
    )


def loan_schedule_preview(loan: Loan) -> list[calculations.ScheduleRow]:
    """The schedule a loan has, or would have if disbursed on the business date."""
    if loan.disbursed_on is not None:
        rows, balance = [], loan.principal
        for x in loan.instalments.order_by("n"):
            balance -= x.principal
            rows.append(calculations.ScheduleRow(x.n, x.due_date, x.principal, x.interest,
                                                 x.total, balance))
        return rows
    return _schedule_for(loan, loan.cooperative.business_date)


def loan_disburse(
    *,
    cooperative: Cooperative,
    loan: Loan,
    acting_user: Any,
    counterpart: Counterpart | None = None,
    savings_account: SavingsAccount | None = None,
    autodebit_account: SavingsAccount | None = None,
    idempotency_key: str | None = None,
) -> Loan:
    """Pay out an approved loan net of its fees: in cash (`counterpart`: the vault by default,
    or the teller's drawer) or into the member's `savings_account`. Writes the schedule from
    the business date and sets the standing instruction (`autodebit_account`, by default the
    account the money went to). A retry returns the disbursed loan. Raises
    LOAN_NOT_DISBURSABLE, NOT_FOUND (another member's account), the savings and ledger
    refusals. Locks the savings account, the loan, then the ledger head."""
    _check_tenant(cooperative, loan, *(a for a in (savings_account, autodebit_account) if a))
    for account in (savings_account, autodebit_account):
        if account is not None and account.member_id != loan.member_id:
            raise LumbungError("NOT_FOUND")
    with transaction.atomic(durable=True):
        if savings_account is not None:
            [savings_account] = savings_lock([savings_account])
        loan = loan_lock(loan)
        if loan.status == Loan.Status.ACTIVE and idempotency_key and (
            loan.disbursement_entry is not None
            and loan.disbursement_entry.idempotency_key == idempotency_key
        ):
            return loan
        if loan.status != Loan.Status.APPROVED:
            raise LumbungError("LOAN_NOT_DISBURSABLE", loan=loan.display_number,
                               status=loan.get_status_display())
        day = cooperative.business_date
        net = loan.principal - loan.fees
        if savings_account is not None:
            funds = [savings_lines(savings_account, credit=net, memo="Pencairan pinjaman")]
        else:
            counterpart = counterpart or counterpart_by_purpose(cooperative, "cash")
            funds = [LineSpec(counterpart.account_code, credit=net, member_id=loan.member_id,
                              subledger_ref=counterpart.subledger_ref, memo="Pencairan tunai")]
        entry = journal_entry_post(
            cooperative=cooperative,
            lines=booking_for(loan).disbursement_lines(loan, funds),
            description=f"Pencairan {loan.product.name} {loan.display_number} "
                        f"a.n. {loan.member.name}",
            source=SOURCE,
            idempotency_key=idempotency_key or f"loans:disburse:{loan.pk}",
            acting_user=acting_user,
        )
        rows = _schedule_for(loan, day)
        Instalment.objects.bulk_create(
            Instalment(cooperative=cooperative, loan=loan, n=row.n, due_date=row.due_date,
                       principal=row.principal, interest=row.interest)
            for row in rows
        )
        standing = autodebit_account or savings_account
        loan.status = Loan.Status.ACTIVE
        loan.disbursed_on = day
        loan.maturity_date = rows[-1].due_date
        loan.disbursement_entry = entry
        loan.autodebit_savings_id = standing.pk if standing else None
        loan.save(update_fields=["status", "disbursed_on", "maturity_date", "disbursement_entry",
                                 "autodebit_savings_id"])
        audit_record(action="loans.loan.disbursed", acting_user=acting_user,
                     cooperative=cooperative, obj=loan,
                     data={"principal": loan.principal, "net": net, "entry": entry.number,
                           "to": "savings" if savings_account else "cash"})
    return loan


# ---------------------------------------------------------------- standing instruction

# Savings a standing instruction may debit: those the member may draw at will.
AUTODEBIT_KINDS = frozenset({"sukarela", "wadiah", "mudharabah"})


def loan_standing_instruction_set(*, cooperative: Cooperative, loan: Loan,
                                  savings_account: SavingsAccount | None,
                                  acting_user: Any) -> Loan:
    """Set (or, with None, stop) the standing instruction that pays the loan's instalments from
    the member's savings every night. Only the borrower's own open sukarela, wadiah or
    mudharabah account. Audited with the account before and after. Raises NOT_FOUND (another
    cooperative's loan or another member's account), LOAN_NOT_ACTIVE,
    LOAN_STANDING_INSTRUCTION_ACCOUNT. Locks the loan."""
    _check_tenant(cooperative, loan)
    if savings_account is not None:
        _check_tenant(cooperative, savings_account)
        if savings_account.member_id != loan.member_id:
            raise LumbungError("NOT_FOUND")
        if (savings_account.product.kind not in AUTODEBIT_KINDS
                or savings_account.status == SavingsAccount.Status.CLOSED):
            raise LumbungError("LOAN_STANDING_INSTRUCTION_ACCOUNT",
                               account=savings_account.number)
    with transaction.atomic(durable=True):
        loan = loan_lock(loan)
        if loan.status not in (Loan.Status.APPROVED, Loan.Status.ACTIVE):
            raise LumbungError("LOAN_NOT_ACTIVE", loan=loan.display_number,
                               status=loan.get_status_display())
        before = loan.autodebit_savings_id
        loan.autodebit_savings_id = savings_account.pk if savings_account else None
        if before != loan.autodebit_savings_id:
            loan.save(update_fields=["autodebit_savings_id"])
            audit_record(action="loans.standing_instruction.changed", acting_user=acting_user,
                         cooperative=cooperative, obj=loan,
                         data={"before": before, "after": loan.autodebit_savings_id})
    return loan


# ---------------------------------------------------------------- repayments


@dataclass
class _Settlement:
    """How a payment settles a locked loan's instalments (computed before anything is
    written)."""

    split: RepaymentSplit
    paid: dict[int, tuple[int, int, int]]  # instalment pk -> (penalty, interest, principal)
    waived: dict[int, int]  # instalment pk -> interest waived by the early payoff rule
    closes: bool


def _settle(loan: Loan, rows: list[Instalment], pot: int, credit: int, day: dt.date,
            early_payoff: bool) -> _Settlement:
    """Allocate `pot` sen (fresh money + credit) over the instalments in due order, each by
    the product's allocation order. Normal payments reach the instalments due by `day` and the
    next one; an early payoff reaches all of them, the future interest reduced by the product's
    rule. What is left is kept as credit."""
    order = loan.allocation
    due_rows = [r for r in rows if r.due_date <= day]
    future = [r for r in rows if r.due_date > day]
    waived: dict[int, int] = {}
    if early_payoff:
        charged = calculations.early_payoff_interest(
            loan.early_payoff_rule, [r.interest_due for r in future])
        for row in future:
            take = min(row.interest_due, charged)
            charged -= take
            if row.interest_due - take:
                waived[row.pk] = row.interest_due - take
        reach = rows
    else:
        reach = due_rows + future[:1]
    paid: dict[int, tuple[int, int, int]] = {}
    totals = {"penalty": 0, "interest": 0, "principal": 0}
    left = pot
    for row in reach:
        owed = {"penalty": row.penalty_due, "interest": row.interest_due - waived.get(row.pk, 0),
                "principal": row.principal_due}
        parts, left = calculations.allocate(left, [(part, owed[part]) for part in order])
        got = dict(parts)
        if any(got.values()):
            paid[row.pk] = (got["penalty"], got["interest"], got["principal"])
            for part, amount in got.items():
                totals[part] += amount
    settled = sum(totals.values())
    closes = all(
        row.unpaid - waived.get(row.pk, 0) - sum(paid.get(row.pk, (0, 0, 0))) == 0
        for row in rows
    )
    fresh = pot - credit
    change = fresh - settled
    split = RepaymentSplit(principal=totals["principal"], interest=totals["interest"],
                           penalty=totals["penalty"], credit_kept=max(change, 0),
                           credit_used=max(-change, 0))
    return _Settlement(split, paid, waived, closes)


PAID_FIELDS = ["penalty_paid", "interest_paid", "principal_paid", "interest_waived", "paid_on"]


def _apply(rows: list[Instalment], settlement: _Settlement, day: dt.date,
           deferred: list[Instalment] | None = None) -> None:
    """Write what the settlement paid on each instalment; with `deferred`, only change the rows
    and add them to it (the caller saves them all at once)."""
    for row in rows:
        penalty, interest, principal = settlement.paid.get(row.pk, (0, 0, 0))
        waived = settlement.waived.get(row.pk, 0)
        if not (penalty or interest or principal or waived):
            continue
        row.penalty_paid += penalty
        row.interest_paid += interest
        row.principal_paid += principal
        row.interest_waived += waived
        if row.unpaid == 0:
            row.paid_on = day
        if deferred is not None:
            deferred.append(row)
        else:
            row.save(update_fields=PAID_FIELDS)


def payoff_amount(loan: Loan, day: dt.date | None = None) -> int:
    """What settles the whole loan on `day` (sen): every unpaid part due, the remaining
    principal, the future interest the product's rule keeps, less the credit kept."""
    day = day or loan.cooperative.business_date
    rows = selectors.unpaid_instalments(loan)
    future = [r for r in rows if r.due_date > day]
    charged = calculations.early_payoff_interest(loan.early_payoff_rule,
                                                 [r.interest_due for r in future])
    owed = sum(r.unpaid for r in rows) - sum(r.interest_due for r in future) + charged
    return max(owed - selectors.loan_balance(loan)[1], 0)


def loan_repay(
    *,
    cooperative: Cooperative,
    loan: Loan,
    amount: int,
    acting_user: Any,
    channel: str = LoanRepayment.Channel.COUNTER,
    counterpart: Counterpart | None = None,
    savings_account: SavingsAccount | None = None,
    early_payoff: bool = False,
    idempotency_key: str | None = None,
) -> LoanRepayment:
    """Take a repayment of `amount` sen: at the counter (`counterpart`: the vault by default or
    the teller's drawer) or from the member's `savings_account` (channel savings, or autodebit
    for the standing instruction). The loan's credit is used first; the payment settles the
    instalments due and the next one (penalty, interest, principal by default); anything above
    is kept as credit. `early_payoff` settles the whole loan and needs exactly payoff_amount.
    A retry with the same key returns the first repayment. Raises LOAN_NOT_ACTIVE,
    LOAN_AMOUNT_POSITIVE, LOAN_PAYOFF_AMOUNT, LOAN_SAVINGS_REQUIRED, SAVINGS_INSUFFICIENT-like
    savings refusals, the ledger's. Locks the savings account, the loan, then the ledger head."""
    with transaction.atomic(durable=True):
        return loan_repay_within(
            cooperative=cooperative, loan=loan, amount=amount, acting_user=acting_user,
            channel=channel, counterpart=counterpart, savings_account=savings_account,
            early_payoff=early_payoff, idempotency_key=idempotency_key)


def loan_repay_within(
    *,
    cooperative: Cooperative,
    loan: Loan,
    amount: int,
    acting_user: Any,
    channel: str = LoanRepayment.Channel.COUNTER,
    counterpart: Counterpart | None = None,
    savings_account: SavingsAccount | None = None,
    early_payoff: bool = False,
    idempotency_key: str | None = None,
) -> LoanRepayment:
    """`loan_repay` inside the caller's transaction (plain atomic): the teller's counter takes
    a repayment into a drawer with the drawer session locked and its receipt record written in
    the same transaction. Same contract and lock order as loan_repay."""
    _check_tenant(cooperative, loan)
    by_savings = channel in (LoanRepayment.Channel.SAVINGS, LoanRepayment.Channel.AUTODEBIT)
    if by_savings and savings_account is None:
        raise LumbungError("LOAN_SAVINGS_REQUIRED", what=_("pembayaran angsuran"))
    if savings_account is not None:
        _check_tenant(cooperative, savings_account)
        if savings_account.member_id != loan.member_id:
            raise LumbungError("NOT_FOUND")
    if not isinstance(amount, int) or isinstance(amount, bool) or (
        amount <= 0 and channel != LoanRepayment.Channel.CREDIT
    ):
        raise LumbungError("LOAN_AMOUNT_POSITIVE")
    key = idempotency_key or f"loans:repay:{loan.pk}:{uuid.uuid4().hex}"
    with transaction.atomic():
        if savings_account is not None:
            [savings_account] = savings_lock([savings_account])
        loan = loan_lock(loan)
        earlier = LoanRepayment.objects.filter(cooperative=cooperative,
                                               idempotency_key=key).first()
        if earlier is not None:
            return earlier
        repayment = _repay_locked(loan, amount, channel, counterpart, savings_account,
                                  early_payoff, key, acting_user)
        if repayment is None:
            raise LumbungError("LOAN_NO_CREDIT", loan=loan.display_number)
    return repayment


def _repay_locked(
    loan: Loan, amount: int, channel: str, counterpart: Counterpart | None,
    savings_account: SavingsAccount | None, early_payoff: bool, key: str, acting_user: Any,
    known: _Known | None = None,
) -> LoanRepayment | None:
    """The repayment of a locked loan; None when there is nothing to settle from credit.
    `known`: what the caller already read under the same locks (not read again)."""
    cooperative = loan.cooperative
    if loan.status != Loan.Status.ACTIVE:
        raise LumbungError("LOAN_NOT_ACTIVE", loan=loan.display_number,
                           status=loan.get_status_display())
    day = cooperative.business_date
    if savings_account is not None:
        available = (known.available if known is not None
                     else savings_available(savings_account))
        if amount > available:
            raise LumbungError("LOAN_SAVINGS_SHORT", account=savings_account.number,
                               available=format_rupiah(available))
    if known is not None:
        rows, credit = known.rows, known.credit
    else:
        rows = selectors.unpaid_instalments(loan)
        credit = selectors.loan_balance(loan)[1]
    if early_payoff:
        required = payoff_amount(loan, day)
        if amount != required:
            raise LumbungError("LOAN_PAYOFF_AMOUNT", loan=loan.display_number,
                               required=format_rupiah(required), paid=format_rupiah(amount))
    settlement = _settle(loan, rows, amount + credit, credit, day, early_payoff)
    split = settlement.split
    if settlement.closes and split.credit_kept:
        # Nothing is left to keep credit for: the last payment must be exact.
        raise LumbungError("LOAN_PAYOFF_AMOUNT", loan=loan.display_number,
                           required=format_rupiah(amount - split.credit_kept),
                           paid=format_rupiah(amount))
    if amount == 0 and split.credit_used == 0:
        return None
    if savings_account is not None:
        funds = [savings_lines(savings_account, debit=amount, memo="Angsuran pinjaman")]
    elif amount:
        counterpart = counterpart or counterpart_by_purpose(cooperative, "cash")
        funds = [LineSpec(counterpart.account_code, debit=amount, member_id=loan.member_id,
                          subledger_ref=counterpart.subledger_ref, memo="Angsuran tunai")]
    else:
        funds = []
    what = "Pelunasan" if early_payoff or settlement.closes else "Angsuran"
    entry = journal_entry_post(
        cooperative=cooperative,
        lines=booking_for(loan).repayment_lines(loan, split, funds),
        description=f"{what} {loan.display_number} a.n. {loan.member.name}",
        source=SOURCE,
        idempotency_key=key,
        acting_user=acting_user,
    )
    _apply(rows, settlement, day, known.deferred if known is not None else None)
    if settlement.closes:
        loan.status = Loan.Status.PAID_OFF
        loan.closed_on = day
        loan.save(update_fields=["status", "closed_on"])
    repayment = LoanRepayment.objects.create(
        cooperative=cooperative, loan=loan, date=day, channel=channel, amount=amount,
        principal=split.principal, interest=split.interest, penalty=split.penalty,
        credit=split.credit_kept - split.credit_used, early_payoff=early_payoff, entry=entry,
        idempotency_key=key,
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit_record(action="loans.loan.repaid", acting_user=acting_user, cooperative=cooperative,
                 obj=loan, data={"amount": amount, "channel": channel, "entry": entry.number,
                                 "early_payoff": early_payoff, "closed": settlement.closes})
    return repayment


def loan_credit_apply(*, cooperative: Cooperative, loan: Loan, acting_user: Any,
                      idempotency_key: str) -> LoanRepayment | None:
    """Settle what is due from the loan's credit (titipan), e.g. on a due date at night.
    None when there is no credit or nothing to settle. Locks the loan, then the ledger head."""
    _check_tenant(cooperative, loan)
    with transaction.atomic():
        loan = loan_lock(loan)
        earlier = LoanRepayment.objects.filter(cooperative=cooperative,
                                               idempotency_key=idempotency_key).first()
        if earlier is not None or loan.status != Loan.Status.ACTIVE:
            return earlier
        return _repay_locked(loan, 0, LoanRepayment.Channel.CREDIT, None, None, False,
                             idempotency_key, acting_user)


@dataclass
class _Known:
    """A locked loan's unpaid instalments (due order), its credit kept and, for an auto-debit,
    what its savings account can give (sen), read once under the locks."""

    rows: list[Instalment]
    credit: int
    available: int = 0
    # Instalments paid, saved together by the caller after its loop.
    deferred: list[Instalment] | None = None


def savings_available_many(accounts: Sequence[SavingsAccount]) -> dict[int, int]:
    """account pk -> savings_available(account), for several accounts (with product and member
    loaded) in one query: the same rule — nothing from a closed account, nor from pokok or wajib
    while a member; else the balance less holds and, except time deposits, the minimum
    balance. tests/loans/test_collection.py checks it against savings_available."""
    balances = balances_of(accounts)
    result = {}
    for account in accounts:
        kind = account.product.kind
        if account.status == SavingsAccount.Status.CLOSED or (
            kind in EQUITY_KINDS and account.member.status != Member.Status.EXITED
        ):
            result[account.pk] = 0
            continue
        minimum = 0 if kind in TIME_KINDS else account.product.minimum_balance
        result[account.pk] = max(0, balances[account.pk] - minimum - account.held_amount)
    return result


def autodebit_key(loan_id: int, day: dt.date) -> str:
    return f"loans:autodebit:{loan_id}:{day.isoformat()}"


def loan_autodebit(*, cooperative: Cooperative, loan: Loan, acting_user: Any
                   ) -> LoanRepayment | None:
    """The standing instruction on one loan for the business date: what is due is settled from
    the loan's credit, then from its auto-debit savings account as far as the account allows
    (a partial debit when it is short). A building block for the nightly step (plain atomic,
    inside the step's transaction); idempotent per loan and day. None when nothing moved.
    Locks the savings account, the loan, then the ledger head."""
    _check_tenant(cooperative, loan)
    return loans_autodebit(cooperative=cooperative, loans=[loan],
                           acting_user=acting_user).get(loan.pk)


def loans_autodebit(*, cooperative: Cooperative, loans: Sequence[Loan], acting_user: Any
                    ) -> dict[int, LoanRepayment]:
    """loan_autodebit for several loans of the cooperative at once (the nightly step's chunk):
    locks their standing instructions' savings accounts (pk order), then the loans (pk order),
    reads earlier repayments, instalments, credit in a fixed number of queries, and posts one
    entry per loan that moves money (each locks the ledger head). Returns loan pk -> its
    repayment of the day (an earlier one on a rerun); loans where nothing moved are absent."""
    day = cooperative.business_date
    keys = {loan.pk: autodebit_key(loan.pk, day) for loan in loans}
    done: dict[int, LoanRepayment] = {}
    with transaction.atomic():
        for earlier in LoanRepayment.objects.filter(cooperative=cooperative,
                                                    idempotency_key__in=list(keys.values())):
            done[earlier.loan_id] = earlier
        todo = [loan for loan in loans if loan.pk not in done]
        wanted = list(SavingsAccount.objects.filter(
            cooperative=cooperative, pk__in={x.autodebit_savings_id for x in todo}
        ).values_list("pk", flat=True))
        accounts = {a.pk: a for a in savings_lock([SavingsAccount(pk=pk) for pk in wanted])}
        available_in = savings_available_many(list(accounts.values()))
        locked = list(Loan.objects.select_for_update(of=("self",))
                      .filter(cooperative=cooperative, pk__in=[x.pk for x in todo],
                              status=Loan.Status.ACTIVE)
                      .select_related("product", "member").order_by("pk"))
        rows: dict[int, list[Instalment]] = {x.pk: [] for x in locked}
        for row in Instalment.objects.filter(loan_id__in=list(rows)).order_by("loan_id", "n"):
            if row.unpaid > 0:
                rows[row.loan_id].append(row)
        balances = selectors.loan_balances(cooperative=cooperative, loans=locked)
        paid: list[Instalment] = []
        with booking_codes_cached():
            _autodebit_each(cooperative, locked, rows, balances, accounts, available_in, keys,
                            done, paid, acting_user)
        _save_paid(paid)
    return done


def _save_paid(rows: list[Instalment]) -> None:
    """Save the paid parts of many instalments with one prepared UPDATE (bulk_update's CASE
    expressions cost more than the night's postings)."""
    if not rows:
        return
    table = Instalment._meta.db_table
    assignments = ", ".join(f"{field} = %s" for field in PAID_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",
            [[getattr(row, field) for field in PAID_FIELDS] + [row.pk] for row in rows])


def _autodebit_each(cooperative: Cooperative, locked: list[Loan],
                    rows: dict[int, list[Instalment]], balances: dict[int, tuple[int, int]],
                    accounts: dict[int, SavingsAccount], available_in: dict[int, int],
                    keys: dict[int, str], done: dict[int, LoanRepayment],
                    paid: list[Instalment], acting_user: Any) -> None:
    """The per-loan part of loans_autodebit (everything already locked and read)."""
    day = cooperative.business_date
    for loan in locked:
        loan.cooperative = cooperative
        loan.member.cooperative = cooperative
        credit = balances[loan.pk][1]
        owed = sum(row.unpaid for row in rows[loan.pk] if row.due_date <= day) - credit
        account = accounts.get(loan.autodebit_savings_id or 0)
        if account is not None and (account.member_id != loan.member_id
                                    or account.status == SavingsAccount.Status.CLOSED):
            account = None
        available = available_in[account.pk] if account is not None and owed > 0 else 0
        take = min(max(owed, 0), available)
        if not take and credit <= 0:
            continue
        channel = LoanRepayment.Channel.AUTODEBIT if take else LoanRepayment.Channel.CREDIT
        repayment = _repay_locked(loan, take, channel, None, account if take else None, False,
                                  keys[loan.pk], acting_user,
                                  _Known(rows[loan.pk], credit, available, paid))
        if repayment is not None:
            done[loan.pk] = repayment
            if take and account is not None:
                # Two loans of one member may share the account.
                available_in[account.pk] -= take


# ---------------------------------------------------------------- member exit


@exit_obligation("loans")
def loan_exit_obligations(*, cooperative: Cooperative, member: Member) -> list[ExitObligation]:
    """A leaving member's running loans, settled from their savings as an early payoff (the
    product's rule for remaining interest). Called by savings' member_exit inside its
    transaction, after the savings accounts are locked: locks the loans and marks them paid
    off there; the exit's entry carries the lines."""
    obligations = []
    running = Loan.objects.filter(cooperative=cooperative, member=member,
                                  status=Loan.Status.ACTIVE).order_by("pk")
    day = cooperative.business_date
    for loan in running:
        loan = loan_lock(loan)
        rows = selectors.unpaid_instalments(loan)
        credit = selectors.loan_balance(loan)[1]
        required = payoff_amount(loan, day)
        settlement = _settle(loan, rows, required + credit, credit, day, early_payoff=True)
        split = settlement.split
        _apply(rows, settlement, day)
        loan.status = Loan.Status.PAID_OFF
        loan.closed_on = day
        loan.save(update_fields=["status", "closed_on"])
        LoanRepayment.objects.create(
            cooperative=cooperative, loan=loan, date=day, channel=LoanRepayment.Channel.EXIT,
            amount=required, principal=split.principal, interest=split.interest,
            penalty=split.penalty, credit=-split.credit_used, early_payoff=True, entry=None,
            idempotency_key=f"loans:exit:{loan.pk}",
        )
        obligations.append(ExitObligation(
            description=f"Pelunasan {loan.display_number}", amount=required,
            lines=booking_for(loan).repayment_lines(loan, split, []),
        ))
    return obligations


# ---------------------------------------------------------------- loans brought from old books


def loan_opening_balance(
    *,
    cooperative: Cooperative,
    member: Member,
    product: LoanProduct,
    principal: int,
    term_months: int,
    disbursed_on: dt.date,
    instalments_paid: int,
    acting_user: Any,
    counterpart_purpose: str = "bank",
) -> Loan:
    """A running loan brought over from the cooperative's earlier books when it starts on
    Lumbung (saldo awal pinjaman): the loan and its schedule from the original disbursement
    date, the first `instalments_paid` instalments marked paid on their due dates, and one entry
    moving the outstanding principal onto the loan's sub-ledger from `counterpart_purpose`
    (where the old books carried it). Fees were taken back then and are not charged again.
    Raises LOAN_MEMBER_NOT_ACTIVE, LOAN_TERM_RANGE, BAD_INPUT. Locks the cooperative row
    (loan number), then the ledger head."""
    _check_tenant(cooperative, member, product)
    if member.status != Member.Status.MEMBER:
        raise LumbungError("LOAN_MEMBER_NOT_ACTIVE", member=member.name)
    if product.contract == Contract.MURABAHAH:
        # The receivable would carry the unpaid margin too (loans/sharia.py); not done here.
        raise LumbungError("LOAN_PRODUCT_CONTRACT", contract=product.get_contract_display(),
                           kind=_("saldo awal"))
    if not 0 <= instalments_paid < term_months or term_months <= product.grace_months:
        raise LumbungError("LOAN_TERM_RANGE", minimum=instalments_paid + 1, maximum=term_months)
    if disbursed_on >= cooperative.business_date or principal <= 0:
        raise LumbungError("BAD_INPUT", detail=_("saldo awal: tanggal cair sebelum tanggal usaha, "
                                                 "pokok lebih dari nol"))
    with transaction.atomic(durable=True):
        locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        last = Loan.objects.filter(cooperative=locked).aggregate(n=Max("number"))["n"] or 0
        loan = Loan(
            cooperative=locked, number=last + 1, member=member, product=product,
            contract=product.contract, method=product.method, principal=principal,
            annual_rate=product.annual_rate, term_months=term_months,
            grace_months=product.grace_months, status=Loan.Status.ACTIVE,
            approved_on=disbursed_on, disbursed_on=disbursed_on,
        )
        loan.take_terms(product)
        loan.save()
        rows = _schedule_for(loan, disbursed_on)
        Instalment.objects.bulk_create(
            Instalment(cooperative=locked, loan=loan, n=row.n, due_date=row.due_date,
                       principal=row.principal, interest=row.interest,
                       principal_paid=row.principal if row.n <= instalments_paid else 0,
                       interest_paid=row.interest if row.n <= instalments_paid else 0,
                       paid_on=row.due_date if row.n <= instalments_paid else None)
            for row in rows
        )
        outstanding = sum(row.principal for row in rows[instalments_paid:])
        codes = account_codes_by_purpose(
            cooperative=locked, purposes={booking_for(loan).control, counterpart_purpose})
        entry = journal_entry_post(
            cooperative=locked,
            lines=[LineSpec(codes[booking_for(loan).control], debit=outstanding,
                            member_id=member.pk, subledger_ref=loan.subledger_ref,
                            memo="saldo awal pokok"),
                   LineSpec(codes[counterpart_purpose], credit=outstanding,
                            member_id=member.pk, memo="pindahan pembukuan lama")],
            description=f"Saldo awal {loan.display_number} a.n. {member.name} "
                        f"(cair {disbursed_on:%d-%m-%Y})",
            source=SOURCE, idempotency_key=f"loans:opening:{loan.pk}", acting_user=acting_user,
        )
        loan.maturity_date = rows[-1].due_date
        loan.disbursement_entry = entry
        loan.save(update_fields=["maturity_date", "disbursement_entry"])
        audit_record(action="loans.loan.opening_balance", acting_user=acting_user,
                     cooperative=locked, obj=loan,
                     data={"principal": principal, "outstanding": outstanding,
                           "disbursed_on": disbursed_on.isoformat(),
                           "instalments_paid": instalments_paid})
    return loan
