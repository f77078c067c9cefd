"""Withdrawal requests: the member asks in the app, a teller pays the cash at the counter.

The money moves only when the teller pays, through the teller app's counter_withdraw (the
member's savings and the teller's drawer, the teller's limit and the manager's approval above
it, the receipt). Keyed by the request, so paying twice never pays twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.members.models import Member
from lumbung.portal.models import WithdrawalRequest
from lumbung.portal.ppob import require_available, voluntary_account
from lumbung.savings.models import SavingsAccount
from lumbung.teller.models import CounterTransaction
from lumbung.teller.selectors import open_session_for
from lumbung.teller.services import counter_withdraw
from lumbung.tenancy.models import Cooperative

# Cooperative practice, not regulation: a request waits this many business days (today and
# the next two), and a member has at most this many waiting at once.
VALID_DAYS = 3
OPEN_LIMIT = 3
OPEN = (WithdrawalRequest.Status.REQUESTED, WithdrawalRequest.Status.PAYING,
        WithdrawalRequest.Status.APPROVAL)


def withdrawal_request(
    *, cooperative: Cooperative, member: Member, amount: int, client_token: str
) -> WithdrawalRequest:
    """Ask for `amount` sen of the member's voluntary savings in cash at the counter. A retry
    with the same client_token returns the first request. Raises NOT_FOUND, BAD_AMOUNT,
    PORTAL_NO_SAVINGS_ACCOUNT, PORTAL_INSUFFICIENT (what may leave the account now),
    PORTAL_WITHDRAWAL_OPEN_LIMIT."""
    if member.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    earlier = WithdrawalRequest.objects.filter(cooperative=cooperative, member=member,
                                               client_token=client_token).first()
    if earlier is not None:
        return earlier
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise LumbungError("BAD_AMOUNT", value=amount)
    account = voluntary_account(cooperative, member)
    require_available(account, amount)
    today = cooperative.business_date
    try:
        with transaction.atomic(durable=True):
            # The member row serialises two requests of one member (the open limit).
            Member.objects.select_for_update().get(pk=member.pk)
            waiting = WithdrawalRequest.objects.filter(
                cooperative=cooperative, member=member, status__in=OPEN,
            ).exclude(status=WithdrawalRequest.Status.REQUESTED, valid_until__lt=today).count()
            if waiting >= OPEN_LIMIT:
                raise LumbungError("PORTAL_WITHDRAWAL_OPEN_LIMIT", limit=OPEN_LIMIT)
            request = WithdrawalRequest.objects.create(
                cooperative=cooperative, member=member, savings_account_id=account.pk,
                amount=amount, requested_on=today,
                valid_until=today + dt.timedelta(days=VALID_DAYS - 1),
                client_token=client_token)
            audit_record(action="portal.withdrawal.requested", acting_user=None,
                         cooperative=cooperative, obj=request,
                         data={"member_id": member.pk, "amount": amount})
    except IntegrityError:  # the same request sent twice at the same moment
        return WithdrawalRequest.objects.get(cooperative=cooperative, member=member,
                                             client_token=client_token)
    return request


def withdrawal_cancel(*, cooperative: Cooperative, member: Member,
                      request: WithdrawalRequest) -> WithdrawalRequest:
    """The member takes back a request no teller has taken. Raises NOT_FOUND,
    PORTAL_WITHDRAWAL_TAKEN."""
    if request.cooperative_id != cooperative.pk or request.member_id != member.pk:
        raise LumbungError("NOT_FOUND")
    with transaction.atomic(durable=True):
        if not WithdrawalRequest.objects.filter(
                pk=request.pk, status=WithdrawalRequest.Status.REQUESTED).update(
                status=WithdrawalRequest.Status.CANCELLED):
            raise LumbungError("PORTAL_WITHDRAWAL_TAKEN")
        audit_record(action="portal.withdrawal.cancelled", acting_user=None,
                     cooperative=cooperative, obj=request, data={"member_id": member.pk})
    request.refresh_from_db()
    return request


def withdrawal_pay(*, cooperative: Cooperative, request: WithdrawalRequest,
                   acting_user: Any) -> WithdrawalRequest:
    """A teller pays the request from their open drawer (counter_withdraw, keyed by the
    request). The teller first takes the request, so two tellers never pay the same one; the
    teller who took it may try again (after the manager's approval, after a failure).

    Raises NOT_FOUND, PORTAL_WITHDRAWAL_EXPIRED, PORTAL_WITHDRAWAL_TAKEN, TELLER_NO_OPEN_DRAWER
    and every refusal of counter_withdraw (the request is then free again for any teller)."""
    if request.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    session = open_session_for(cooperative=cooperative, teller=acting_user)
    if session is None:
        raise LumbungError("TELLER_NO_OPEN_DRAWER")
    today = cooperative.business_date
    statuses = WithdrawalRequest.Status
    with transaction.atomic(durable=True):
        current = WithdrawalRequest.objects.select_for_update().get(pk=request.pk)
        if current.expired_on(today):
            raise LumbungError("PORTAL_WITHDRAWAL_EXPIRED", date=current.valid_until)
        mine = current.teller_id == acting_user.pk
        if not (current.status == statuses.REQUESTED
                or (current.status in (statuses.PAYING, statuses.APPROVAL) and mine)):
            raise LumbungError("PORTAL_WITHDRAWAL_TAKEN")
        WithdrawalRequest.objects.filter(pk=current.pk).update(status=statuses.PAYING,
                                                               teller=acting_user)
    account = SavingsAccount.objects.select_related("product", "member").get(
        pk=current.savings_account_id)
    try:
        record = counter_withdraw(session=session, account=account, amount=current.amount,
                                  acting_user=acting_user,
                                  idempotency_key=f"portal:withdrawal:{current.pk}")
    except LumbungError:
        # Nothing was paid: any teller may take it again.
        WithdrawalRequest.objects.filter(pk=current.pk, status=statuses.PAYING).update(
            status=statuses.REQUESTED, teller=None)
        raise
    entry = _entry_of(record)
    with transaction.atomic(durable=True):
        WithdrawalRequest.objects.filter(pk=current.pk).update(
            status=statuses.PAID if entry else statuses.APPROVAL,
            counter_transaction_id=record.pk, entry_number=entry)
        audit_record(action="portal.withdrawal.paid" if entry else "portal.withdrawal.approval",
                     acting_user=acting_user, cooperative=cooperative, obj=current,
                     data={"member_id": current.member_id, "amount": current.amount,
                           "counter_transaction": record.pk, "entry": entry})
    current.refresh_from_db()
    return current


def _entry_of(record: CounterTransaction) -> int | None:
    """The journal number that paid it: the counter's own entry, or the one the manager's
    approval posted."""
    entry = record.entry or (record.approval.entry if record.approval else None)
    return entry.number if entry is not None else None


# ---------------------------------------------------------------- reads


def member_withdrawals(*, cooperative_id: int, member_id: int) -> list[WithdrawalRequest]:
    return list(WithdrawalRequest.objects.filter(cooperative_id=cooperative_id,
                                                 member_id=member_id).order_by("-pk")[:30])


def open_withdrawals(*, cooperative: Cooperative) -> list[WithdrawalRequest]:
    """What members are waiting to collect at the counter, oldest first."""
    return list(WithdrawalRequest.objects.filter(
        Q(status=WithdrawalRequest.Status.REQUESTED,
          valid_until__gte=cooperative.business_date)
        | Q(status__in=(WithdrawalRequest.Status.PAYING, WithdrawalRequest.Status.APPROVAL)),
        cooperative=cooperative).select_related("member", "teller").order_by("pk")[:200])
