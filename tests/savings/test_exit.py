"""A member's exit: savings back net of obligations registered by other apps."""

from __future__ import annotations

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry, JournalLine
from lumbung.ledger.services import LineSpec
from lumbung.savings.exit import EXIT_OBLIGATIONS, ExitObligation, exit_obligation, member_exit
from lumbung.savings.models import SavingsAccount
from lumbung.savings.selectors import member_accounts
from lumbung.savings.services import savings_deposit
from tests.savings.conftest import RUPIAH, account_of, vault


@pytest.fixture
def owed():
    """A stand-in for the loans app: the member owes `owed["amount"]` on account 1114."""
    state = {"amount": 0}

    @exit_obligation("test-loans")
    def provider(*, cooperative, member):
        if not state["amount"]:
            return []
        return [ExitObligation("Sisa pinjaman", state["amount"],
                               [LineSpec("1114", credit=state["amount"], member_id=member.pk)])]

    yield state
    EXIT_OBLIGATIONS.pop("test-loans")


def test_a_member_leaves_with_savings_net_of_what_they_owe(city, siti, owed):
    savings_deposit(cooperative=city.coop_a, account=account_of(siti, "sukarela"),
                    amount=400_000 * RUPIAH, counterpart=vault(city.coop_a),
                    acting_user=city.teller_a, idempotency_key=None)
    owed["amount"] = 120_000 * RUPIAH
    settled = member_exit(cooperative=city.coop_a, member=siti.member,
                          counterpart=vault(city.coop_a), acting_user=city.manager_a,
                          idempotency_key="exit:1")
    assert (settled.savings, settled.paid_out) == (550_000 * RUPIAH, 430_000 * RUPIAH)
    lines = list(JournalLine.objects.filter(entry=settled.entry).order_by("line_no").values_list(
        "account__code", "debit", "credit"))
    assert lines == [("3101", 100_000 * RUPIAH, 0), ("3102", 50_000 * RUPIAH, 0),
                     ("2101", 400_000 * RUPIAH, 0), ("1114", 0, 120_000 * RUPIAH),
                     ("1101", 0, 430_000 * RUPIAH)]
    assert settled.member.status == "keluar"
    accounts = member_accounts(cooperative=city.coop_a, member=siti.member)
    assert {(a.status, a.balance) for a in accounts} == {("closed", 0)}
    # History stays: the accounts and their lines are still there.
    assert SavingsAccount.objects.filter(member=siti.member).count() == 3
    again = member_exit(cooperative=city.coop_a, member=siti.member,
                        counterpart=vault(city.coop_a), acting_user=city.manager_a,
                        idempotency_key="exit:1")
    assert again.entry.pk == settled.entry.pk


def test_an_exit_is_refused_when_savings_do_not_cover_the_obligations(city, siti, owed):
    owed["amount"] = 200_000 * RUPIAH
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as caught:
        member_exit(cooperative=city.coop_a, member=siti.member, counterpart=vault(city.coop_a),
                    acting_user=city.manager_a, idempotency_key=None)
    assert caught.value.code == "SAVINGS_EXIT_SHORTFALL"
    assert JournalEntry.objects.count() == entries
    siti.member.refresh_from_db()
    assert siti.member.status == "anggota"
    assert not SavingsAccount.objects.filter(member=siti.member, status="closed").exists()
