"""Chart of accounts: the right template per kind, unique codes, guarded changes."""

from __future__ import annotations

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import Account, AccountBalance, LedgerHead, NormalBalance
from lumbung.ledger.services import (
    LineSpec,
    account_create,
    account_delete,
    coa_template,
    journal_entry_post,
)


def _codes(cooperative):
    return list(Account.objects.filter(cooperative=cooperative).order_by("code")
                .values_list("code", flat=True))


def test_it_gives_each_cooperative_its_template(city):
    ksp = sorted(str(row[0]) for row in coa_template("ksp")["accounts"])
    sharia = sorted(str(row[0]) for row in coa_template("sharia")["accounts"])
    assert ksp != sharia
    assert _codes(city.coop_a) == ksp
    assert _codes(city.coop_b) == sharia
    for cooperative in (city.coop_a, city.coop_b):
        assert AccountBalance.objects.filter(cooperative=cooperative).count() == len(
            _codes(cooperative))
        assert AccountBalance.objects.filter(cooperative=cooperative).exclude(
            debit=0, credit=0).count() == 0
        head = LedgerHead.objects.get(cooperative=cooperative)
        assert (head.last_number, head.last_hash) == (0, "0" * 64)
    assert len(ksp) == len(set(ksp)) and len(sharia) == len(set(sharia))


def test_it_sets_types_sides_parents_and_controls(city):
    accounts = {a.code: a for a in Account.objects.filter(cooperative=city.coop_a)}
    assert (accounts["1101"].type, accounts["1101"].normal_balance) == ("asset", "D")
    assert accounts["1101"].parent.code == "11" and accounts["11"].is_heading
    assert accounts["1119"].normal_balance == NormalBalance.CREDIT  # contra asset
    assert accounts["2101"].normal_balance == NormalBalance.CREDIT
    assert accounts["2101"].is_control and accounts["1110"].is_control
    assert not accounts["1101"].is_control
    assert accounts["1101"].purpose == "cash"


def test_it_creates_a_detail_account_under_a_heading(city):
    account = account_create(cooperative=city.coop_a, code="1130", name=" Piutang karyawan ",
                             parent_code="11", acting_user=city.accountant_a)
    assert (account.name, account.type, account.normal_balance, account.parent.code) == (
        "Piutang karyawan", "asset", "D", "11")
    assert AccountBalance.objects.get(account=account).debit == 0
    assert AuditEvent.objects.filter(action="ledger.account.created",
                                     data__code="1130").count() == 1
    # The same code in another cooperative is fine.
    assert account_create(cooperative=city.coop_b, code="1130", name="x", parent_code="11",
                          acting_user=None).cooperative == city.coop_b


@pytest.mark.parametrize(
    ("code", "parent", "error"),
    [
        ("1101", "11", "LEDGER_ACCOUNT_CODE_TAKEN"),
        ("12", "1", "BAD_INPUT"),
        ("11a1", "11", "BAD_INPUT"),
        ("2199", "11", "LEDGER_BAD_PARENT"),
        ("1199", "1101", "LEDGER_BAD_PARENT"),
        ("1199", "99", "LEDGER_BAD_PARENT"),
    ],
)
def test_it_validates_new_accounts(city, code, parent, error):
    before = _codes(city.coop_a)
    with pytest.raises(LumbungError) as caught:
        account_create(cooperative=city.coop_a, code=code, name="Akun baru", parent_code=parent,
                       acting_user=None)
    assert caught.value.code == error
    assert _codes(city.coop_a) == before


def test_it_deletes_only_unused_accounts(city):
    unused = account_create(cooperative=city.coop_a, code="1131", name="Sementara",
                            parent_code="11", acting_user=None)
    account_delete(account=unused, acting_user=city.accountant_a)
    assert not Account.objects.filter(pk=unused.pk).exists()

    journal_entry_post(cooperative=city.coop_a, description="kas",
                       lines=[LineSpec("1103", debit=100), LineSpec("3103", credit=100)],
                       acting_user=None)
    used = Account.objects.get(cooperative=city.coop_a, code="1103")
    heading = Account.objects.get(cooperative=city.coop_a, code="11")
    for account in (used, heading):
        with pytest.raises(LumbungError) as caught:
            account_delete(account=account, acting_user=None)
        assert caught.value.code == "LEDGER_ACCOUNT_IN_USE"
        assert Account.objects.filter(pk=account.pk).exists()


def test_sync_brings_an_older_chart_up_to_its_template(city):
    from lumbung.ledger.services import chart_of_accounts_sync

    coop = city.coop_a
    # An older release: no teller drawer account, and the SHU payable without its purpose.
    AccountBalance.objects.filter(account__cooperative=coop, account__code="1109").delete()
    Account.objects.filter(cooperative=coop, code="1109").delete()
    Account.objects.filter(cooperative=coop, code="2116").update(purpose="", is_control=False)

    touched = chart_of_accounts_sync(cooperative=coop, acting_user=None)

    assert sorted(touched) == ["1109", "2116"]
    drawer = Account.objects.get(cooperative=coop, code="1109")
    assert (drawer.purpose, drawer.is_control, drawer.parent.code) == ("cash_drawers", True, "11")
    assert AccountBalance.objects.filter(account=drawer).count() == 1
    assert Account.objects.get(cooperative=coop, code="2116").purpose == "shu_payable"
    assert AuditEvent.objects.filter(action="ledger.chart.synced").count() == 1
    assert chart_of_accounts_sync(cooperative=coop, acting_user=None) == []
    assert _codes(coop) == sorted(str(row[0]) for row in coa_template("ksp")["accounts"])
