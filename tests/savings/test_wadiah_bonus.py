"""The manager's discretionary wadiah bonus: split by average daily balance, tax withheld,
posted once per product and month; who may give it; refusals write nothing.

Worked by hand (cooperative B, a KSPPS; November 2026 counted from the 1st to the business
date, the 20th = 20 days): Siti's wadiah holds Rp3.000.000 from the 10th (11 days), Budi's
Rp1.000.000 from the 20th (1 day). Average balances: 33.000.000/20 = Rp1.650.000 and
1.000.000/20 = Rp50.000, so 33 : 1. A pool of Rp340.000 gives Siti Rp330.000 and Budi
Rp10.000. Siti's is above the Rp240.000 threshold: 10% final tax = Rp33.000; Budi's is not.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry, JournalLine
from lumbung.ledger.verify import verify_cooperative
from lumbung.savings.bonus import wadiah_bonus_grant, wadiah_bonus_plan
from lumbung.savings.models import SavingsProduct
from lumbung.savings.selectors import account_balance
from lumbung.savings.services import savings_deposit
from lumbung.tenancy.models import Cooperative, CooperativeRole
from tests.conftest import _staff
from tests.savings.conftest import RUPIAH, account_of, admit, vault

NOVEMBER = dt.date(2026, 11, 1)
BONUS = "/k/kspps-b/simpanan/bonus-wadiah/"


def _move_to(coop, day):
    Cooperative.objects.filter(pk=coop.pk).update(business_date=day)
    coop.refresh_from_db()


def fund_savers(city):
    """(Siti's, Budi's) wadiah accounts in cooperative B, funded as the docstring says."""
    coop = city.coop_b
    _move_to(coop, dt.date(2026, 11, 10))
    siti = account_of(admit(coop, city.teller_b), "wadiah")
    budi = account_of(admit(coop, city.teller_b, name="Budi Santoso", gender="L"), "wadiah")
    savings_deposit(cooperative=coop, account=siti, amount=3_000_000 * RUPIAH,
                    counterpart=vault(coop), acting_user=city.teller_b, idempotency_key=None)
    _move_to(coop, dt.date(2026, 11, 20))
    savings_deposit(cooperative=coop, account=budi, amount=1_000_000 * RUPIAH,
                    counterpart=vault(coop), acting_user=city.teller_b, idempotency_key=None)
    return siti, budi


@pytest.fixture
def savers(city):
    return fund_savers(city)


@pytest.fixture
def manager_b(city):
    return _staff(city.coop_b, "manajer-b", CooperativeRole.MANAGER)


def _wadiah(city):
    return SavingsProduct.objects.get(cooperative=city.coop_b, kind="wadiah")


def _writes() -> tuple[int, int]:
    return JournalEntry.objects.count(), AuditEvent.objects.filter(
        action="savings.wadiah_bonus.granted").count()


def test_the_pool_is_split_by_average_balance_and_taxed(city, savers, manager_b):
    siti, budi = savers
    plan = wadiah_bonus_grant(cooperative=city.coop_b, product=_wadiah(city), month=NOVEMBER,
                              total=340_000 * RUPIAH, acting_user=manager_b)
    assert [(x.number, x.average_sen, x.bonus, x.tax) for x in plan.lines] == [
        (siti.number, 1_650_000 * RUPIAH, 330_000 * RUPIAH, 33_000 * RUPIAH),
        (budi.number, 50_000 * RUPIAH, 10_000 * RUPIAH, 0),
    ]
    entry = JournalEntry.objects.get(idempotency_key__startswith="savings:wadiah-bonus:")
    lines = sorted((x.account.purpose, x.subledger_ref, x.debit, x.credit)
                   for x in entry.lines.select_related("account"))
    assert lines == sorted([
        ("expense_wadiah_bonus", "", 340_000 * RUPIAH, 0),
        ("tax_payable", "", 0, 33_000 * RUPIAH),
        ("savings_wadiah", siti.subledger_ref, 0, 330_000 * RUPIAH),
        ("savings_wadiah", siti.subledger_ref, 33_000 * RUPIAH, 0),
        ("savings_wadiah", budi.subledger_ref, 0, 10_000 * RUPIAH),
    ])
    assert account_balance(siti) == (3_000_000 + 330_000 - 33_000) * RUPIAH
    assert account_balance(budi) == (1_000_000 + 10_000) * RUPIAH
    assert set(JournalLine.objects.filter(entry=entry, subledger_ref__startswith="savings:")
               .values_list("member_id", flat=True)) == {siti.member_id, budi.member_id}
    event = AuditEvent.objects.get(action="savings.wadiah_bonus.granted")
    assert (event.actor_id, event.data["total"], event.data["tax"]) == (
        manager_b.pk, 340_000 * RUPIAH, 33_000 * RUPIAH)
    assert verify_cooperative(city.coop_b).ok


def test_a_month_is_granted_once(city, savers, manager_b):
    wadiah_bonus_grant(cooperative=city.coop_b, product=_wadiah(city), month=NOVEMBER,
                       total=340_000 * RUPIAH, acting_user=manager_b)
    before = _writes()
    with pytest.raises(LumbungError) as error:
        wadiah_bonus_grant(cooperative=city.coop_b, product=_wadiah(city),
                           month=dt.date(2026, 11, 15), total=100_000 * RUPIAH,
                           acting_user=manager_b)
    assert error.value.code == "SAVINGS_BONUS_GRANTED"
    assert _writes() == before


@pytest.mark.parametrize(("product_kind", "month", "total", "code"), [
    ("sukarela", NOVEMBER, 100_000 * RUPIAH, "SAVINGS_BONUS_PRODUCT"),
    ("wadiah", dt.date(2026, 12, 1), 100_000 * RUPIAH, "SAVINGS_BONUS_MONTH"),
    ("wadiah", dt.date(2026, 10, 1), 100_000 * RUPIAH, "SAVINGS_BONUS_NO_BALANCE"),
    ("wadiah", NOVEMBER, 0, "SAVINGS_AMOUNT"),
])
def test_refusals_write_nothing(city, savers, manager_b, product_kind, month, total, code):
    coop = city.coop_a if product_kind == "sukarela" else city.coop_b
    product = SavingsProduct.objects.get(cooperative=coop, kind=product_kind)
    before = _writes()
    with pytest.raises(LumbungError) as error:
        wadiah_bonus_grant(cooperative=coop, product=product, month=month, total=total,
                           acting_user=manager_b)
    assert error.value.code == code
    assert _writes() == before


def test_the_plan_does_not_write(city, savers):
    before = _writes()
    plan = wadiah_bonus_plan(cooperative=city.coop_b, product=_wadiah(city), month=NOVEMBER,
                             total=1 * RUPIAH)
    # One Rupiah over 33 : 1: 97,06 and 2,94 sen -> 97 and 3 (the larger remainder gets the sen).
    assert [x.bonus for x in plan.lines] == [97, 3]
    assert _writes() == before


# ---------------------------------------------------------------- the screen


def test_the_manager_previews_and_grants_on_the_screen(city, savers, manager_b, as_user):
    client = as_user(manager_b)
    before = _writes()
    page = client.get(BONUS, {"product": _wadiah(city).pk, "bulan": "2026-11",
                              "jumlah": "340.000"}).content.decode()
    assert "Rp330.000,00" in page and "Rp33.000,00" in page and "Berikan bonus" in page
    assert _writes() == before
    response = client.post(f"{BONUS}berikan/", {"product": _wadiah(city).pk, "bulan": "2026-11",
                                                "jumlah": "340.000,00"}, follow=True)
    assert "diberikan" in response.content.decode()
    assert _writes()[1] == 1
    # Sent again: refused with its code, nothing more written.
    before = _writes()
    again = client.post(f"{BONUS}berikan/", {"product": _wadiah(city).pk, "bulan": "2026-11",
                                             "jumlah": "340.000,00"}, follow=True)
    assert "SAVINGS_BONUS_GRANTED" in again.content.decode()
    assert _writes() == before


def test_a_bad_month_is_refused_on_the_screen(city, savers, manager_b, as_user):
    response = as_user(manager_b).get(BONUS, {"product": _wadiah(city).pk, "bulan": "2026-13",
                                              "jumlah": "1.000"})
    assert response.status_code == 400 and "BAD_DATE" in response.content.decode()


def test_a_teller_sees_the_preview_but_may_not_grant(city, savers, as_user):
    client = as_user(city.teller_b)
    page = client.get(BONUS, {"product": _wadiah(city).pk, "bulan": "2026-11",
                              "jumlah": "340.000"}).content.decode()
    assert "Rp330.000,00" in page and "Berikan bonus" not in page
    before = _writes()
    response = client.post(f"{BONUS}berikan/", {"product": _wadiah(city).pk, "bulan": "2026-11",
                                                "jumlah": "340.000"})
    assert response.status_code == 403
    assert _writes() == before


@pytest.mark.parametrize("user", ["manager_a", "analyst_a"])
def test_another_cooperatives_staff_get_404_and_nothing_is_written(city, savers, as_user, user):
    client = as_user(getattr(city, user))
    before = _writes()
    assert client.get(BONUS).status_code == 404
    assert client.post(f"{BONUS}berikan/", {"product": _wadiah(city).pk, "bulan": "2026-11",
                                            "jumlah": "340.000"}).status_code == 404
    # Their own cooperative's screen does not find B's product either.
    if user == "manager_a":
        response = client.post("/k/ksp-a/simpanan/bonus-wadiah/berikan/", {
            "product": _wadiah(city).pk, "bulan": "2026-11", "jumlah": "340.000"})
        assert response.status_code == 404
    assert _writes() == before
