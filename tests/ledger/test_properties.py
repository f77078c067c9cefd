"""Any sequence of balanced postings and reversals keeps every invariant of the books."""

from __future__ import annotations

from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import Account, AccountBalance, JournalEntry
from lumbung.ledger.selectors import trial_balance
from lumbung.ledger.services import LineSpec, journal_entry_post, journal_entry_reverse
from lumbung.ledger.verify import verify_cooperative
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import force_deferred_checks

REFS = ["savings:1", "savings:2", "loan:3"]

# One posting: 2..5 lines. Each line is (account index, amount in sen, ref index); the last
# line's side and amount are computed so the entry balances by construction.
line = st.tuples(st.integers(0, 10_000), st.integers(1, 10**11), st.integers(0, len(REFS) - 1))
posting = st.tuples(st.just("post"), st.lists(line, min_size=1, max_size=4), st.booleans())
reversal = st.tuples(st.just("reverse"), st.integers(0, 10_000), st.booleans())
operations = st.lists(st.one_of(posting, posting, reversal), min_size=1, max_size=12)


def _lines(accounts: list[Account], drawn, flip: bool) -> list[LineSpec]:
    specs = []
    net = 0  # debits minus credits so far
    for i, (account_index, amount, ref_index) in enumerate(drawn):
        account = accounts[account_index % len(accounts)]
        ref = REFS[ref_index] if account.is_control else ""
        debit = (i % 2 == 0) != flip
        specs.append(LineSpec(account.code, debit=amount if debit else 0,
                              credit=0 if debit else amount, subledger_ref=ref))
        net += amount if debit else -amount
    if net == 0:
        return specs  # balanced already (at least two lines)
    last = accounts[(drawn[0][0] + 7) % len(accounts)]
    ref = REFS[0] if last.is_control else ""
    specs.append(LineSpec(last.code, debit=max(-net, 0), credit=max(net, 0), subledger_ref=ref))
    return specs


def _line_sums(cooperative_id: int) -> dict[int, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_journalline "
            "WHERE cooperative_id = %s GROUP BY account_id", [cooperative_id])
        return {row[0]: (int(row[1]), int(row[2])) for row in cursor.fetchall()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_it_keeps_every_invariant_for_any_postings_and_reversals(city, ops):
    coop = city.coop_a
    accounts = list(Account.objects.filter(cooperative=coop, is_heading=False).order_by("code"))
    with transaction.atomic():
        posted: list[JournalEntry] = []
        for kind, payload, flag in ops:
            if kind == "post":
                entry = journal_entry_post(cooperative=coop, lines=_lines(accounts, payload, flag),
                                           description="acak", acting_user=city.accountant_a)
                posted.append(entry)
            elif posted:
                target = posted[payload % len(posted)]
                try:
                    posted.append(journal_entry_reverse(entry=target, acting_user=None))
                except LumbungError as exc:
                    assert exc.code in {"LEDGER_ALREADY_REVERSED",
                                        "LEDGER_CANNOT_REVERSE_REVERSAL"}
        force_deferred_checks()

        report = verify_cooperative(coop)
        assert report.ok, report.breaches
        assert report.entries == len(posted)
        numbers = list(JournalEntry.objects.filter(cooperative=coop)
                       .order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(posted) + 1))
        sums = _line_sums(coop.pk)
        for row in AccountBalance.objects.filter(cooperative=coop):
            assert (row.debit, row.credit) == sums.get(row.account_id, (0, 0))
        balance = trial_balance(cooperative=coop, as_of=BUSINESS_DATE)
        assert balance.total_debit == balance.total_credit
        net = {account_id: debit - credit for account_id, (debit, credit) in sums.items()}
        assert sum(net.values()) == 0
        assert {x.account: x.debit - x.credit for x in balance.lines} == {
            a.code: net[a.pk] for a in accounts if net.get(a.pk)}
        transaction.set_rollback(True)
