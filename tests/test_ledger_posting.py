from __future__ import annotations

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountBalance, JournalEntry, JournalLine
from lumbung.ledger.selectors import trial_balance
from lumbung.ledger.services import LineSpec, journal_entry_post, journal_entry_reverse
from tests.conftest import BUSINESS_DATE


def _balance(cooperative, code):
    row = AccountBalance.objects.get(cooperative=cooperative, account__code=code)
    return row.debit, row.credit


def test_it_posts_a_balanced_entry_and_updates_balances(city):
    entry = journal_entry_post(
        cooperative=city.coop_a,
        lines=[LineSpec("1101", debit=150_000_00), LineSpec("3103", credit=150_000_00)],
        description="Setoran modal penyetaraan",
        acting_user=city.accountant_a,
    )
    assert entry.number == 1
    assert entry.date == BUSINESS_DATE
    assert entry.total == 150_000_00
    assert len(entry.hash) == 64 and entry.prev_hash == "0" * 64
    assert _balance(city.coop_a, "1101") == (150_000_00, 0)
    assert _balance(city.coop_a, "3103") == (0, 150_000_00)


def test_it_numbers_entries_without_gaps_per_cooperative(city):
    for cooperative in (city.coop_a, city.coop_b, city.coop_a):
        journal_entry_post(
            cooperative=cooperative,
            lines=[LineSpec("1101", debit=100), LineSpec("3103", credit=100)],
            description="uji",
            acting_user=None,
        )
    assert list(JournalEntry.objects.filter(cooperative=city.coop_a).values_list("number", flat=True)) == [1, 2]
    assert list(JournalEntry.objects.filter(cooperative=city.coop_b).values_list("number", flat=True)) == [1]


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([LineSpec("1101", debit=100), LineSpec("3103", credit=99)], "LEDGER_UNBALANCED"),
        ([LineSpec("1101", debit=100)], "LEDGER_TOO_FEW_LINES"),
        ([LineSpec("1101", debit=100, credit=100), LineSpec("3103", credit=0)], "LEDGER_BAD_LINE_AMOUNT"),
        ([LineSpec("1101", debit=-5), LineSpec("3103", credit=-5)], "LEDGER_BAD_LINE_AMOUNT"),
        ([LineSpec("1101", debit=1.5), LineSpec("3103", credit=1.5)], "LEDGER_BAD_LINE_AMOUNT"),  # type: ignore[arg-type]
        ([LineSpec("9999", debit=100), LineSpec("3103", credit=100)], "LEDGER_UNKNOWN_ACCOUNT"),
        ([LineSpec("11", debit=100), LineSpec("3103", credit=100)], "LEDGER_ACCOUNT_NOT_POSTABLE"),
    ],
)
def test_it_refuses_bad_entries_and_writes_nothing(city, lines, code):
    with pytest.raises(LumbungError) as caught:
        journal_entry_post(cooperative=city.coop_a, lines=lines, description="salah", acting_user=None)
    assert caught.value.code == code
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0
    assert _balance(city.coop_a, "1101") == (0, 0)


def test_a_retry_with_the_same_idempotency_key_returns_the_first_entry(city):
    lines = [LineSpec("1101", debit=500), LineSpec("3103", credit=500)]
    first = journal_entry_post(cooperative=city.coop_a, lines=lines, description="a",
                               idempotency_key="k-1", acting_user=None)
    again = journal_entry_post(cooperative=city.coop_a, lines=lines, description="a",
                               idempotency_key="k-1", acting_user=None)
    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert _balance(city.coop_a, "1101") == (500, 0)
    with pytest.raises(LumbungError) as caught:
        journal_entry_post(cooperative=city.coop_a, description="a", idempotency_key="k-1",
                           lines=[LineSpec("1101", debit=501), LineSpec("3103", credit=501)],
                           acting_user=None)
    assert caught.value.code == "LEDGER_IDEMPOTENCY_CONFLICT"


def test_reversal_restores_balances_and_cannot_repeat(city):
    entry = journal_entry_post(cooperative=city.coop_a, description="salah akun",
                               lines=[LineSpec("5314", debit=2_500_000_00), LineSpec("1101", credit=2_500_000_00)],
                               acting_user=city.accountant_a)
    reversal = journal_entry_reverse(entry=entry, acting_user=city.accountant_a)
    assert reversal.reverses_id == entry.pk
    assert _balance(city.coop_a, "5314") == (2_500_000_00, 2_500_000_00)
    assert trial_balance(cooperative=city.coop_a, as_of=BUSINESS_DATE).lines == []
    with pytest.raises(LumbungError) as caught:
        journal_entry_reverse(entry=entry, acting_user=city.accountant_a)
    assert caught.value.code == "LEDGER_ALREADY_REVERSED"
    with pytest.raises(LumbungError) as caught:
        journal_entry_reverse(entry=reversal, acting_user=city.accountant_a)
    assert caught.value.code == "LEDGER_CANNOT_REVERSE_REVERSAL"
