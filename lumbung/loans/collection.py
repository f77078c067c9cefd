"""Nightly collection of instalments falling due: from the loan's credit (titipan), then by
auto-debit from the member's savings where a standing instruction exists, through the loans
app's `loan_autodebit` (one repayment per loan, idempotent per loan and day).

Choosing the loans takes a fixed number of queries; each repayment is its own posting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q

from lumbung.ledger.models import SubledgerBalance
from lumbung.loans.models import Instalment, Loan
from lumbung.loans.portfolio import UNPAID
from lumbung.loans.services import loan_autodebit
from lumbung.tenancy.models import Cooperative


def collectable_loans(cooperative: Cooperative, as_of: dt.date) -> list[Loan]:
    """Active loans with something due by `as_of` and a way to pay it tonight: a standing
    instruction or credit kept from an overpayment."""
    credit_refs = SubledgerBalance.objects.filter(
        cooperative=cooperative, account__purpose="loan_credit", credit__gt=F("debit"),
        ref__startswith="loan:",
    ).values_list("ref", flat=True)
    with_credit = [int(ref.removeprefix("loan:")) for ref in credit_refs]
    due = (
        Instalment.objects.filter(cooperative=cooperative, loan__status=Loan.Status.ACTIVE,
                                  due_date__lte=as_of)
        .filter(UNPAID | Q(penalty__gt=F("penalty_paid")))
        .filter(Q(loan__autodebit_savings_id__isnull=False) | Q(loan_id__in=with_credit))
        .order_by().values_list("loan_id", flat=True).distinct()
    )
    return list(Loan.objects.filter(pk__in=list(due)).select_related("cooperative")
                .order_by("pk"))


def collect_due(*, cooperative: Cooperative, as_of: dt.date, acting_user: Any) -> dict[str, int]:
    """Run the standing instruction of every collectable loan for the business date `as_of`;
    report the loans that paid and what their instalments received (sen)."""
    paid = settled = 0
    for loan in collectable_loans(cooperative, as_of):
        repayment = loan_autodebit(cooperative=cooperative, loan=loan, acting_user=acting_user)
        if repayment is not None:
            paid += 1
            settled += repayment.principal + repayment.interest + repayment.penalty
    return {"loans": paid, "settled": settled}
