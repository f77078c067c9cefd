"""Nightly collection of instalments falling due: from the loan's credit (titipan), then by
auto-debit from the member's savings where a standing instruction exists, through the loans
app's `loans_autodebit` (one repayment per loan, idempotent per loan and day).

Choosing the loans takes a fixed number of queries and leaves out those where nothing can move
tonight (no credit kept, and a standing instruction on an account with nothing above its
minimum balance and holds), so a large portfolio of late borrowers with empty accounts costs no
per-loan work. The rest go in chunks: each chunk's rows are locked and read in a fixed number
of queries, and each repayment is its own posting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q

from lumbung.ledger.models import SubledgerBalance
from lumbung.loans.models import Instalment, Loan
from lumbung.loans.portfolio import UNPAID
from lumbung.loans.services import loans_autodebit, savings_available_many
from lumbung.savings.models import SavingsAccount
from lumbung.tenancy.models import Cooperative

# Loans locked and settled together (one savepoint each).
CHUNK = 200


def collectable_loans(cooperative: Cooperative, as_of: dt.date) -> list[Loan]:
    """Active loans with something due by `as_of` and a way to pay some of it tonight: credit
    kept from an overpayment, or a standing instruction on an account with money to give."""
    credit_refs = SubledgerBalance.objects.filter(
        cooperative=cooperative, account__purpose="loan_credit", credit__gt=F("debit"),
        ref__startswith="loan:",
    ).values_list("ref", flat=True)
    with_credit = {int(ref.removeprefix("loan:")) for ref in credit_refs}
    due = (
        Instalment.objects.filter(cooperative=cooperative, loan__status=Loan.Status.ACTIVE,
                                  due_date__lte=as_of)
        .filter(UNPAID | Q(penalty__gt=F("penalty_paid")))
        .filter(Q(loan__autodebit_savings_id__isnull=False) | Q(loan_id__in=with_credit))
        .order_by().values_list("loan_id", flat=True).distinct()
    )
    loans = list(Loan.objects.filter(pk__in=list(due)).order_by("pk"))
    accounts = list(SavingsAccount.objects.filter(
        cooperative=cooperative, pk__in={x.autodebit_savings_id for x in loans},
    ).select_related("product", "member"))
    # Read without locks, to leave out accounts with nothing to give; read again under them.
    giving = {pk for pk, available in savings_available_many(accounts).items() if available}
    return [x for x in loans if x.pk in with_credit or x.autodebit_savings_id in giving]


def collect_due(*, cooperative: Cooperative, as_of: dt.date, acting_user: Any) -> dict[str, int]:
    """Run the standing instruction of every collectable loan for the business date `as_of`;
    report the loans that paid and what their instalments received (sen)."""
    paid = settled = 0
    loans = collectable_loans(cooperative, as_of)
    for start in range(0, len(loans), CHUNK):
        done = loans_autodebit(cooperative=cooperative, loans=loans[start:start + CHUNK],
                               acting_user=acting_user)
        for repayment in done.values():
            paid += 1
            settled += repayment.principal + repayment.interest + repayment.penalty
    return {"loans": paid, "settled": settled}
