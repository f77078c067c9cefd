"""Concurrent tellers on PostgreSQL: exact balances, gapless numbers, an unbroken chain."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from lumbung.ledger.models import AccountBalance, JournalEntry, JournalLine
from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.ledger.verify import verify_cooperative
from tests.conftest import build_city
from tests.ledger.helpers import postgres_only, skip_unless_postgres

THREADS = 8
PER_THREAD = 15


def _run_in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def runner(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _balance(cooperative, code):
    row = AccountBalance.objects.get(account__cooperative=cooperative, account__code=code)
    return row.debit, row.credit


@postgres_only
def test_it_keeps_exact_balances_and_gapless_numbers_under_concurrent_postings(committed_db):
    skip_unless_postgres()
    city = build_city()
    coop = city.coop_a

    def work(index: int) -> None:
        for n in range(PER_THREAD):
            amount = (index + 1) * 1_000_00 + n
            journal_entry_post(cooperative=coop, description=f"setoran {index}-{n}",
                               lines=[LineSpec("1101", debit=amount),
                                      LineSpec("3103", credit=amount)],
                               acting_user=None)

    assert _run_in_threads(THREADS, work) == []
    expected = sum((i + 1) * 1_000_00 + n for i in range(THREADS) for n in range(PER_THREAD))
    assert _balance(coop, "1101") == (expected, 0)
    assert _balance(coop, "3103") == (0, expected)
    numbers = list(JournalEntry.objects.filter(cooperative=coop).order_by("number")
                   .values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
    assert JournalLine.objects.filter(cooperative=coop).count() == 2 * THREADS * PER_THREAD
    report = verify_cooperative(coop)
    assert report.ok, report.breaches
    assert report.entries == THREADS * PER_THREAD


@postgres_only
def test_it_posts_one_entry_for_two_concurrent_calls_with_the_same_key(committed_db):
    skip_unless_postgres()
    city = build_city()
    coop = city.coop_a
    results: list[int] = []

    def work(index: int) -> None:
        entry = journal_entry_post(cooperative=coop, description="setoran",
                                   lines=[LineSpec("1101", debit=77_00),
                                          LineSpec("3103", credit=77_00)],
                                   idempotency_key="teller-1:struk-0001", acting_user=None)
        results.append(entry.pk)

    for _ in range(3):  # a few rounds: the race window is small
        assert _run_in_threads(2, work) == []
    assert len(set(results)) == 1 and len(results) == 6
    assert JournalEntry.objects.filter(cooperative=coop).count() == 1
    assert _balance(coop, "1101") == (77_00, 0)
    assert verify_cooperative(coop).ok
