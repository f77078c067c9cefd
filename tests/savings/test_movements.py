"""Deposits, withdrawals (with maker-checker), transfers, time deposits; refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import ApprovalRequest, JournalEntry, JournalLine
from lumbung.ledger.services import approval_decide
from lumbung.savings.models import SavingsAccount, SavingsProduct, WajibDue
from lumbung.savings.selectors import account_balance, account_statement
from lumbung.savings.services import (
    savings_account_open,
    savings_available,
    savings_deposit,
    savings_lines,
    savings_lock,
    savings_transfer,
    savings_withdraw,
)
from lumbung.tenancy.models import Cooperative
from tests.savings.conftest import RUPIAH, account_of, vault

TELLER_LIMIT = 5_000_000 * RUPIAH


def deposit(city, account, amount, key=None, user=None):
    return savings_deposit(cooperative=city.coop_a, account=account, amount=amount,
                           counterpart=vault(city.coop_a), acting_user=user or city.teller_a,
                           idempotency_key=key)


def withdraw(city, account, amount, key=None, user=None):
    return savings_withdraw(cooperative=city.coop_a, account=account, amount=amount,
                            counterpart=vault(city.coop_a), acting_user=user or city.teller_a,
                            idempotency_key=key)


def refused(call) -> str:
    entries, requests = JournalEntry.objects.count(), ApprovalRequest.objects.count()
    with pytest.raises(LumbungError) as caught:
        call()
    assert (JournalEntry.objects.count(), ApprovalRequest.objects.count()) == (entries, requests)
    return caught.value.code


def test_a_deposit_credits_the_members_account_and_debits_the_counterpart(city, siti):
    account = account_of(siti, "sukarela")
    entry = deposit(city, account, 1_250_000 * RUPIAH, key="dep:1")
    lines = list(JournalLine.objects.filter(entry=entry).order_by("line_no").values_list(
        "account__code", "debit", "credit", "subledger_ref", "member_id"))
    assert lines == [("1101", 1_250_000 * RUPIAH, 0, "", None),
                     ("2101", 0, 1_250_000 * RUPIAH, f"savings:{account.pk}", siti.member.pk)]
    assert account_balance(account) == 1_250_000 * RUPIAH
    # A retry with the same key returns the first entry and moves nothing.
    assert deposit(city, account, 1_250_000 * RUPIAH, key="dep:1").pk == entry.pk
    assert account_balance(account) == 1_250_000 * RUPIAH


def test_the_first_deposit_must_reach_the_minimum_opening(city, siti):
    account = account_of(siti, "sukarela")
    assert refused(lambda: deposit(city, account, 10_000 * RUPIAH)) == "SAVINGS_MINIMUM_OPENING"


def test_a_withdrawal_within_the_tellers_limit_posts_at_once(city, siti):
    account = account_of(siti, "sukarela")
    deposit(city, account, 1_000_000 * RUPIAH)
    entry = withdraw(city, account, 300_000 * RUPIAH, key="wd:1")
    assert isinstance(entry, JournalEntry)
    assert account_balance(account) == 700_000 * RUPIAH
    # Minimum balance Rp20.000 stays in.
    assert savings_available(account) == 680_000 * RUPIAH
    assert withdraw(city, account, 300_000 * RUPIAH, key="wd:1").pk == entry.pk


def test_it_refuses_more_than_the_available_balance(city, siti):
    account = account_of(siti, "sukarela")
    deposit(city, account, 100_000 * RUPIAH)
    code = refused(lambda: withdraw(city, account, 90_000 * RUPIAH))
    assert code == "SAVINGS_INSUFFICIENT"
    assert account_balance(account) == 100_000 * RUPIAH


def test_pokok_and_wajib_cannot_be_withdrawn_while_a_member(city, siti):
    for kind in ("pokok", "wajib"):
        code = refused(lambda kind=kind: withdraw(city, account_of(siti, kind), 10_000 * RUPIAH))
        assert code == "SAVINGS_EQUITY_LOCKED"


def test_a_closed_account_takes_nothing(city, siti):
    account = account_of(siti, "sukarela")
    SavingsAccount.objects.filter(pk=account.pk).update(status="closed", closed_on=dt.date.today())
    assert refused(lambda: deposit(city, account, 50_000 * RUPIAH)) == "SAVINGS_ACCOUNT_CLOSED"
    assert refused(lambda: withdraw(city, account, 50_000 * RUPIAH)) == "SAVINGS_ACCOUNT_CLOSED"


def test_bad_amounts_are_refused(city, siti):
    account = account_of(siti, "sukarela")
    for amount in (0, -5, 1.5, True):
        assert refused(lambda amount=amount: deposit(city, account, amount)) == "SAVINGS_AMOUNT"


def test_another_cooperative_cannot_move_this_account(city, siti):
    account = account_of(siti, "sukarela")
    code = refused(lambda: savings_deposit(
        cooperative=city.coop_b, account=account, amount=100_000 * RUPIAH,
        counterpart=vault(city.coop_b), acting_user=city.teller_b, idempotency_key=None))
    assert code == "SAVINGS_OTHER_COOPERATIVE"


def test_above_the_limit_a_withdrawal_waits_for_a_manager(city, siti):
    account = account_of(siti, "sukarela")
    deposit(city, account, 8_000_000 * RUPIAH)
    request = withdraw(city, account, TELLER_LIMIT + RUPIAH, key="wd:big")
    assert isinstance(request, ApprovalRequest)
    assert (request.kind, request.amount, request.maker_id) == (
        "savings.withdrawal", TELLER_LIMIT + RUPIAH, city.teller_a.pk)
    assert account_balance(account) == 8_000_000 * RUPIAH
    # The retry finds the same request.
    assert withdraw(city, account, TELLER_LIMIT + RUPIAH, key="wd:big").pk == request.pk
    # The maker never approves their own.
    with pytest.raises(LumbungError) as caught:
        approval_decide(request=request, approve=True, acting_user=city.teller_a)
    assert caught.value.code == "APPROVAL_SELF"
    decided = approval_decide(request=request, approve=True, acting_user=city.manager_a)
    assert decided.entry.approved_by_id == city.manager_a.pk
    assert account_balance(account) == 8_000_000 * RUPIAH - TELLER_LIMIT - RUPIAH
    # Once approved, the retry returns the posted entry.
    assert withdraw(city, account, TELLER_LIMIT + RUPIAH, key="wd:big").pk == decided.entry.pk


def test_an_approval_rechecks_the_balance(city, siti):
    account = account_of(siti, "sukarela")
    deposit(city, account, 6_000_000 * RUPIAH)
    request = withdraw(city, account, 5_500_000 * RUPIAH)
    withdraw(city, account, 1_000_000 * RUPIAH)
    with pytest.raises(LumbungError) as caught:
        approval_decide(request=request, approve=True, acting_user=city.manager_a)
    assert caught.value.code == "SAVINGS_INSUFFICIENT"
    request.refresh_from_db()
    assert request.status == "pending"
    assert account_balance(account) == 5_000_000 * RUPIAH


def test_a_transfer_between_two_members(city, siti, budi):
    source, target = account_of(siti, "sukarela"), account_of(budi, "sukarela")
    deposit(city, source, 500_000 * RUPIAH)
    deposit(city, target, 100_000 * RUPIAH)
    savings_transfer(cooperative=city.coop_a, from_account=source, to_account=target,
                     amount=200_000 * RUPIAH, acting_user=city.teller_a, idempotency_key="tr:1")
    assert (account_balance(source), account_balance(target)) == (
        300_000 * RUPIAH, 300_000 * RUPIAH)
    code = refused(lambda: savings_transfer(
        cooperative=city.coop_a, from_account=source, to_account=target,
        amount=290_000 * RUPIAH, acting_user=city.teller_a, idempotency_key=None))
    assert code == "SAVINGS_INSUFFICIENT"


def test_a_wajib_payment_settles_the_oldest_dues_first(city, siti):
    account = account_of(siti, "wajib")
    WajibDue.objects.create(cooperative=city.coop_a, account=account,
                            month=dt.date(2026, 10, 1), amount=50_000 * RUPIAH)
    WajibDue.objects.create(cooperative=city.coop_a, account=account,
                            month=dt.date(2026, 12, 1), amount=50_000 * RUPIAH)
    deposit(city, account, 70_000 * RUPIAH)
    assert list(WajibDue.objects.filter(account=account).order_by("month").values_list(
        "paid", flat=True)) == [50_000 * RUPIAH, 50_000 * RUPIAH, 20_000 * RUPIAH]


def test_a_time_deposit_broken_early_pays_the_penalty(city, siti):
    product = SavingsProduct.objects.get(cooperative=city.coop_a, kind="berjangka")
    account = savings_account_open(cooperative=city.coop_a, member=siti.member, product=product,
                                   acting_user=city.teller_a)
    deposit(city, account, 2_000_000 * RUPIAH)
    assert refused(lambda: deposit(city, account, 1_000_000 * RUPIAH)) == (
        "SAVINGS_TIME_DEPOSIT_PLACED")
    assert refused(lambda: withdraw(city, account, 1_000_000 * RUPIAH)) == (
        "SAVINGS_TIME_DEPOSIT_WHOLE")
    entry = withdraw(city, account, 2_000_000 * RUPIAH)
    lines = list(JournalLine.objects.filter(entry=entry).order_by("line_no").values_list(
        "account__code", "debit", "credit"))
    # 1% of Rp2.000.000 stays with the cooperative as income.
    assert lines == [("2103", 2_000_000 * RUPIAH, 0), ("1101", 0, 1_980_000 * RUPIAH),
                     ("4105", 0, 20_000 * RUPIAH)]
    account.refresh_from_db()
    assert (account.status, account.closed_on) == ("closed", city.coop_a.business_date)


def test_savings_lines_and_lock_are_the_building_blocks_for_other_apps(city, siti):
    account = account_of(siti, "sukarela")
    line = savings_lines(account, debit=5 * RUPIAH, memo="angsuran")
    assert (line.account, line.debit, line.subledger_ref, line.member_id) == (
        "2101", 500, f"savings:{account.pk}", siti.member.pk)
    locked = savings_lock([account_of(siti, "wajib"), account])
    assert [a.pk for a in locked] == sorted([account.pk, account_of(siti, "wajib").pk])


def test_the_statement_shows_running_balances(city, siti):
    account = account_of(siti, "sukarela")
    deposit(city, account, 500_000 * RUPIAH)
    withdraw(city, account, 120_000 * RUPIAH)
    Cooperative.objects.filter(pk=city.coop_a.pk).update(business_date=dt.date(2026, 11, 21))
    city.coop_a.refresh_from_db()
    deposit(city, account, 20_000 * RUPIAH)
    statement = account_statement(account=account, date_from=dt.date(2026, 11, 21),
                                  date_to=dt.date(2026, 11, 30))
    assert statement.opening == 380_000 * RUPIAH
    assert [(r.credit, r.balance) for r in statement.rows] == [(20_000 * RUPIAH, 400_000 * RUPIAH)]
    assert statement.closing == 400_000 * RUPIAH
    full = account_statement(account=account, date_from=dt.date(2026, 11, 1),
                             date_to=dt.date(2026, 11, 30))
    assert [r.balance for r in full.rows] == [500_000 * RUPIAH, 380_000 * RUPIAH,
                                              400_000 * RUPIAH]
