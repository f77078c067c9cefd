"""Maker-checker for manual journal entries (limits from tenancy/rules/role_limits.yaml)."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountBalance, ApprovalRequest, JournalEntry, JournalLine
from lumbung.ledger.services import (
    LineSpec,
    approval_decide,
    manual_entry_submit,
    period_close,
    role_limit,
)
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff
from tests.ledger.helpers import force_deferred_checks

RUPIAH = 100
ACCOUNTANT_LIMIT = 10_000_000 * RUPIAH
MANAGER_LIMIT = 100_000_000 * RUPIAH


def _lines(amount):
    return [LineSpec("1303", debit=amount), LineSpec("1102", credit=amount)]


def _submit(city, amount, *, maker=None, **options):
    return manual_entry_submit(cooperative=city.coop_a, lines=_lines(amount),
                               description="Pembelian kendaraan operasional",
                               acting_user=maker or city.accountant_a, **options)


def _error(call):
    with pytest.raises(LumbungError) as caught:
        call()
    return caught.value


def _vehicles(city):
    row = AccountBalance.objects.get(account__cooperative=city.coop_a, account__code="1303")
    return row.debit, row.credit


def test_it_reads_the_limits_from_the_rules_file(city):
    action = "ledger.manual_entry"
    assert role_limit(cooperative=city.coop_a, user=city.accountant_a, action=action) == (
        ACCOUNTANT_LIMIT)
    assert role_limit(cooperative=city.coop_a, user=city.manager_a, action=action) == MANAGER_LIMIT
    assert role_limit(cooperative=city.coop_a, user=city.teller_a, action=action) == 0
    # A role in another cooperative counts for nothing here.
    assert role_limit(cooperative=city.coop_a, user=city.teller_b, action=action) == 0


def test_it_posts_at_once_within_the_makers_limit(city):
    entry = _submit(city, ACCOUNTANT_LIMIT)
    assert isinstance(entry, JournalEntry)
    assert entry.maker == city.accountant_a and entry.approved_by is None
    assert entry.total == ACCOUNTANT_LIMIT
    assert _vehicles(city) == (ACCOUNTANT_LIMIT, 0)
    assert ApprovalRequest.objects.count() == 0


def test_it_queues_an_amount_above_the_limit_and_posts_nothing(city):
    request = _submit(city, ACCOUNTANT_LIMIT + 1)
    assert isinstance(request, ApprovalRequest)
    assert request.status == ApprovalRequest.Status.PENDING
    assert request.amount == ACCOUNTANT_LIMIT + 1
    assert request.maker == city.accountant_a
    assert request.payload["lines"][0] == {"account": "1303", "debit": ACCOUNTANT_LIMIT + 1,
                                           "credit": 0, "memo": ""}
    assert JournalEntry.objects.count() == 0 and JournalLine.objects.count() == 0
    assert _vehicles(city) == (0, 0)
    assert AuditEvent.objects.filter(action="ledger.approval.requested").count() == 1


def test_it_never_lets_the_maker_approve(city):
    request = _submit(city, 50_000_000 * RUPIAH, maker=city.manager_a)
    assert isinstance(request, ApprovalRequest) is False  # within the manager's own limit
    request = _submit(city, 150_000_000 * RUPIAH, maker=city.manager_a)
    error = _error(lambda: approval_decide(request=request, approve=True,
                                           acting_user=city.manager_a))
    assert error.code == "APPROVAL_SELF"
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING
    assert JournalEntry.objects.count() == 1


def test_it_refuses_an_approver_whose_limit_is_too_small(city):
    request = _submit(city, MANAGER_LIMIT + 1)
    error = _error(lambda: approval_decide(request=request, approve=True,
                                           acting_user=city.manager_a))
    assert error.code == "APPROVAL_LIMIT"
    for outsider in (city.teller_a, city.teller_b):
        assert _error(lambda u=outsider: approval_decide(
            request=request, approve=True, acting_user=u)).code == "APPROVAL_LIMIT"
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.entry) == (
        ApprovalRequest.Status.PENDING, None, None)
    assert JournalEntry.objects.count() == 0
    board = _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)
    approved = approval_decide(request=request, approve=True, acting_user=board)
    assert approved.entry.total == MANAGER_LIMIT + 1


def test_it_posts_exactly_once_on_approval(city):
    amount = 45_000_000 * RUPIAH
    request = _submit(city, amount)
    decided = approval_decide(request=request, approve=True, reason="sesuai RAT",
                              acting_user=city.manager_a)
    force_deferred_checks()
    assert decided.status == ApprovalRequest.Status.APPROVED
    assert decided.decided_by == city.manager_a and decided.decided_at is not None
    entry = decided.entry
    assert (entry.number, entry.total, entry.maker, entry.approved_by) == (
        1, amount, city.accountant_a, city.manager_a)
    assert entry.idempotency_key == f"approval:{request.pk}"
    assert _vehicles(city) == (amount, 0)
    assert AuditEvent.objects.filter(action="ledger.approval.approved").count() == 1
    assert AuditEvent.objects.filter(action="ledger.entry.posted").count() == 1
    # Deciding again is refused and posts nothing more.
    for approve in (True, False):
        error = _error(lambda a=approve: approval_decide(request=request, approve=a,
                                                         acting_user=city.manager_a))
        assert error.code == "APPROVAL_NOT_PENDING"
    assert JournalEntry.objects.count() == 1
    assert _vehicles(city) == (amount, 0)


def test_it_posts_nothing_on_rejection(city):
    request = _submit(city, 20_000_000 * RUPIAH)
    decided = approval_decide(request=request, approve=False, reason="tidak dianggarkan",
                              acting_user=city.manager_a)
    assert decided.status == ApprovalRequest.Status.REJECTED
    assert decided.reason == "tidak dianggarkan" and decided.entry is None
    assert JournalEntry.objects.count() == 0
    assert _vehicles(city) == (0, 0)
    error = _error(lambda: approval_decide(request=request, approve=True,
                                           acting_user=city.manager_a))
    assert error.code == "APPROVAL_NOT_PENDING"
    assert JournalEntry.objects.count() == 0


def test_it_lets_only_the_cooperatives_staff_reject(city):
    request = _submit(city, 20_000_000 * RUPIAH)
    error = _error(lambda: approval_decide(request=request, approve=False,
                                           acting_user=city.teller_b))
    assert error.code == "PERMISSION_DENIED"
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING


def test_it_leaves_the_request_pending_when_the_books_refuse(city):
    day = dt.date(2026, 10, 30)
    request = _submit(city, 20_000_000 * RUPIAH, date=day, allow_backdate=True)
    period_close(cooperative=city.coop_a, month=day, acting_user=city.manager_a)
    audit_rows = AuditEvent.objects.count()
    error = _error(lambda: approval_decide(request=request, approve=True,
                                           acting_user=city.manager_a))
    assert error.code == "LEDGER_PERIOD_CLOSED"
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decided_at, request.entry) == (
        ApprovalRequest.Status.PENDING, None, None, None)
    assert JournalEntry.objects.count() == 0 and JournalLine.objects.count() == 0
    assert AuditEvent.objects.count() == audit_rows
    assert _vehicles(city) == (0, 0)
    # It can still be rejected.
    approval_decide(request=request, approve=False, acting_user=city.manager_a)


def test_the_maker_may_withdraw_their_own_request_and_nothing_is_posted(city):
    request = _submit(city, ACCOUNTANT_LIMIT + 1)
    withdrawn = approval_decide(request=request, approve=False, reason="salah ketik",
                                acting_user=city.accountant_a)
    assert withdrawn.status == ApprovalRequest.Status.REJECTED
    assert withdrawn.decided_by == city.accountant_a
    assert JournalEntry.objects.count() == 0
    assert _vehicles(city) == (0, 0)


@pytest.mark.parametrize(
    ("date_offset", "options", "code"),
    [
        (1, {}, "LEDGER_FUTURE_DATE"),
        (-1, {}, "LEDGER_BACKDATE_FORBIDDEN"),
    ],
)
def test_a_request_that_could_never_be_posted_is_not_queued(city, date_offset, options, code):
    day = city.coop_a.business_date + dt.timedelta(days=date_offset)
    error = _error(lambda: _submit(city, ACCOUNTANT_LIMIT + 1, date=day, **options))
    assert error.code == code
    assert ApprovalRequest.objects.count() == 0
    assert JournalEntry.objects.count() == 0


def test_a_request_dated_in_a_closed_period_is_not_queued(city):
    closed_day = dt.date(2026, 10, 15)
    period_close(cooperative=city.coop_a, month=closed_day, acting_user=city.manager_a)
    error = _error(lambda: _submit(city, ACCOUNTANT_LIMIT + 1, date=closed_day,
                                   allow_backdate=True))
    assert error.code == "LEDGER_PERIOD_CLOSED"
    assert ApprovalRequest.objects.count() == 0


def _posted(city, amount):
    from lumbung.ledger.services import journal_entry_post

    return journal_entry_post(cooperative=city.coop_a, lines=_lines(amount),
                              description="Pembelian kendaraan", acting_user=city.manager_a)


def test_a_reversal_within_the_limit_is_posted_at_once(city):
    from lumbung.ledger.services import reversal_submit

    entry = _posted(city, ACCOUNTANT_LIMIT)
    reversal = reversal_submit(entry=entry, acting_user=city.accountant_a)
    assert isinstance(reversal, JournalEntry)
    assert reversal.reverses_id == entry.pk
    assert _vehicles(city) == (ACCOUNTANT_LIMIT, ACCOUNTANT_LIMIT)


def test_a_reversal_above_the_limit_waits_for_a_second_person(city):
    from lumbung.ledger.services import reversal_submit

    entry = _posted(city, ACCOUNTANT_LIMIT + 1)
    request = reversal_submit(entry=entry, acting_user=city.accountant_a)
    assert isinstance(request, ApprovalRequest)
    assert request.kind == "ledger.reversal"
    assert request.amount == ACCOUNTANT_LIMIT + 1
    assert JournalEntry.objects.count() == 1
    # Asking again returns the same request; the maker cannot approve it.
    assert reversal_submit(entry=entry, acting_user=city.accountant_a).pk == request.pk
    assert _error(lambda: approval_decide(request=request, approve=True,
                                          acting_user=city.accountant_a)).code == "APPROVAL_SELF"
    decided = approval_decide(request=request, approve=True, acting_user=city.manager_a)
    assert decided.entry.reverses_id == entry.pk
    assert decided.entry.approved_by_id == city.manager_a.pk
    assert _vehicles(city) == (ACCOUNTANT_LIMIT + 1, ACCOUNTANT_LIMIT + 1)


def test_a_manual_entry_cannot_touch_a_subledger(city):
    lines = [LineSpec("1101", debit=100), LineSpec("2101", credit=100, subledger_ref="savings:1")]
    error = _error(lambda: manual_entry_submit(cooperative=city.coop_a, lines=lines,
                                               description="x", acting_user=city.accountant_a))
    assert error.code == "LEDGER_MANUAL_SUBLEDGER"
    lines = [LineSpec("1101", debit=100), LineSpec("4909", credit=100, member_id=7)]
    error = _error(lambda: manual_entry_submit(cooperative=city.coop_a, lines=lines,
                                               description="x", acting_user=city.accountant_a))
    assert error.code == "LEDGER_MANUAL_SUBLEDGER"
    assert JournalEntry.objects.count() == 0


def test_a_keyed_retry_of_a_queued_request_returns_it_and_a_different_one_is_refused(city):
    first = _submit(city, ACCOUNTANT_LIMIT + 1, idempotency_key="form-1")
    again = _submit(city, ACCOUNTANT_LIMIT + 1, idempotency_key="form-1")
    assert again.pk == first.pk
    assert ApprovalRequest.objects.count() == 1
    error = _error(lambda: _submit(city, ACCOUNTANT_LIMIT + 2, idempotency_key="form-1"))
    assert error.code == "LEDGER_IDEMPOTENCY_CONFLICT"


def test_a_request_dated_today_posts_on_the_day_it_is_approved(city):
    from lumbung.batch.services import eod_run

    request = _submit(city, ACCOUNTANT_LIMIT + 1, date=city.coop_a.business_date)
    assert request.payload["date"] is None
    eod_run(cooperatives=[city.coop_a], until=city.coop_a.business_date, acting_user=None)
    decided = approval_decide(request=request, approve=True, acting_user=city.manager_a)
    assert decided.entry.date == dt.date(2026, 11, 21)


def test_overlong_text_is_refused_before_anything_is_written(city):
    error = _error(lambda: _submit(city, 100, idempotency_key="k" * 101))
    assert error.code == "BAD_INPUT"
    error = _error(lambda: manual_entry_submit(cooperative=city.coop_a, lines=_lines(100),
                                               description="x" * 301,
                                               acting_user=city.accountant_a))
    assert error.code == "BAD_INPUT"
    assert JournalEntry.objects.count() == 0
