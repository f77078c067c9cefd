"""Products per cooperative, admission of a member, opening accounts (closed-loop rule)."""

from __future__ import annotations

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry, JournalLine
from lumbung.members.models import Member
from lumbung.savings.models import SavingsAccount, SavingsProduct
from lumbung.savings.selectors import account_balance, member_accounts
from lumbung.savings.services import (
    member_admit,
    savings_account_open,
    savings_product_update,
    savings_products_install,
)
from tests.savings.conftest import RUPIAH, account_of, admit, register, vault


def test_each_cooperative_gets_the_products_of_its_kind(city):
    ksp = dict(SavingsProduct.objects.filter(cooperative=city.coop_a)
               .values_list("kind", "ledger_account__code"))
    assert ksp == {"pokok": "3101", "wajib": "3102", "sukarela": "2101", "berjangka": "2103"}
    sharia = dict(SavingsProduct.objects.filter(cooperative=city.coop_b)
                  .values_list("kind", "ledger_account__code"))
    assert sharia == {"pokok": "3101", "wajib": "3102", "wadiah": "2101", "mudharabah": "2301",
                      "mudharabah_berjangka": "2302"}
    # Installing again adds nothing.
    assert savings_products_install(cooperative=city.coop_a, acting_user=None) == []


def test_it_admits_a_candidate_who_pays_the_simpanan_pokok(city):
    member = register(city.coop_a, city.teller_a)
    assert member.status == Member.Status.CANDIDATE
    admission = member_admit(cooperative=city.coop_a, member=member,
                             counterpart=vault(city.coop_a), acting_user=city.teller_a,
                             idempotency_key="admit:1")
    member.refresh_from_db()
    assert (member.status, member.number, member.joined_on) == (
        "anggota", 1, city.coop_a.business_date)
    assert [a.product.kind for a in admission.accounts] == ["pokok", "wajib", "sukarela"]
    assert [a.number for a in admission.accounts] == ["SP-000001", "SW-000002", "SS-000003"]
    lines = list(JournalLine.objects.filter(entry=admission.entry).order_by("line_no")
                 .values_list("account__code", "debit", "credit", "member_id"))
    assert lines == [
        ("1101", 150_000 * RUPIAH, 0, None),
        ("3101", 0, 100_000 * RUPIAH, member.pk),
        ("3102", 0, 50_000 * RUPIAH, member.pk),
    ]
    balances = {a.product.kind: a.balance
                for a in member_accounts(cooperative=city.coop_a, member=member)}
    assert balances == {"pokok": 100_000 * RUPIAH, "wajib": 50_000 * RUPIAH, "sukarela": 0}
    # The retry returns the same admission; the second member gets number 2.
    again = member_admit(cooperative=city.coop_a, member=member, counterpart=vault(city.coop_a),
                         acting_user=city.teller_a, idempotency_key="admit:1")
    assert again.entry.pk == admission.entry.pk
    assert admit(city.coop_a, city.teller_a, name="Budi").member.number == 2
    assert AuditEvent.objects.filter(action="savings.member.admitted").count() == 2


def test_a_sharia_cooperative_opens_a_wadiah_account_on_admission(city):
    admission = admit(city.coop_b, city.teller_b)
    assert [a.product.kind for a in admission.accounts] == ["pokok", "wajib", "wadiah"]


def test_a_candidate_cannot_hold_savings_and_nothing_is_written(city):
    member = register(city.coop_a, city.teller_a)
    voluntary = SavingsProduct.objects.get(cooperative=city.coop_a, kind="sukarela")
    with pytest.raises(LumbungError) as caught:
        savings_account_open(cooperative=city.coop_a, member=member, product=voluntary,
                             acting_user=city.teller_a)
    assert caught.value.code == "SAVINGS_CANDIDATE"
    assert "calon anggota" in caught.value.message
    assert SavingsAccount.objects.count() == 0


def test_a_member_is_admitted_once(city, siti):
    with pytest.raises(LumbungError) as caught:
        member_admit(cooperative=city.coop_a, member=siti.member, counterpart=vault(city.coop_a),
                     acting_user=city.teller_a, idempotency_key="admit:again")
    assert caught.value.code == "SAVINGS_NOT_CANDIDATE"
    assert JournalEntry.objects.count() == 1


def test_pokok_and_wajib_are_one_per_member(city, siti):
    wajib = SavingsProduct.objects.get(cooperative=city.coop_a, kind="wajib")
    with pytest.raises(LumbungError) as caught:
        savings_account_open(cooperative=city.coop_a, member=siti.member, product=wajib,
                             acting_user=city.teller_a)
    assert caught.value.code == "SAVINGS_ACCOUNT_EXISTS"
    assert SavingsAccount.objects.count() == 3


def test_a_member_opens_a_time_deposit_with_its_maturity(city, siti):
    product = SavingsProduct.objects.get(cooperative=city.coop_a, kind="berjangka")
    account = savings_account_open(cooperative=city.coop_a, member=siti.member, product=product,
                                   acting_user=city.teller_a, term_months=3, rollover=True)
    assert (account.term_months, str(account.rate), str(account.maturity_date),
            account.rollover) == (3, "6.0000", "2027-02-20", True)
    assert account.number == "SB-000004"
    assert account_balance(account) == 0


def test_another_cooperatives_member_is_refused(city, siti):
    product = SavingsProduct.objects.get(cooperative=city.coop_b, kind="wadiah")
    with pytest.raises(LumbungError) as caught:
        savings_account_open(cooperative=city.coop_b, member=siti.member, product=product,
                             acting_user=city.teller_b)
    assert caught.value.code == "SAVINGS_OTHER_COOPERATIVE"


def test_the_manager_changes_a_products_terms_and_it_is_audited(city):
    product = SavingsProduct.objects.get(cooperative=city.coop_a, kind="sukarela")
    savings_product_update(cooperative=city.coop_a, product=product, acting_user=city.manager_a,
                           minimum_balance=50_000 * RUPIAH, interest_method="average")
    product.refresh_from_db()
    assert (product.minimum_balance, product.interest_method) == (50_000 * RUPIAH, "average")
    event = AuditEvent.objects.get(action="savings.product.updated")
    assert event.data["before"]["minimum_balance"] == str(20_000 * RUPIAH)


def test_a_wadiah_bonus_is_never_promised(city):
    product = SavingsProduct.objects.get(cooperative=city.coop_b, kind="wadiah")
    with pytest.raises(LumbungError):
        savings_product_update(cooperative=city.coop_b, product=product,
                               acting_user=city.manager_a, interest_rate=3)
    product.refresh_from_db()
    assert product.interest_rate == 0


def test_an_account_of_each_kind_is_numbered_with_its_prefix(city, siti):
    assert account_of(siti, "sukarela").number.startswith("SS-")
