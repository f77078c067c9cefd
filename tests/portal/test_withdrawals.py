"""Withdrawal requests: asked in the app, paid at the counter by a teller from their drawer,
never twice; a manager approves above the teller's limit; nobody else sees or pays them."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry
from lumbung.ledger.services import approval_decide
from lumbung.portal.models import WithdrawalRequest
from lumbung.portal.services import member_pin_set
from lumbung.portal.withdrawals import withdrawal_pay, withdrawal_request
from lumbung.savings.models import SavingsAccount
from lumbung.savings.services import savings_available
from lumbung.teller.models import CounterTransaction
from lumbung.teller.services import counter_deposit
from lumbung.tenancy.models import Cooperative
from tests.portal.conftest import PIN, member_client
from tests.teller.conftest import counter, session_a, siti  # noqa: F401

RUPIAH = 100


@pytest.fixture
def saver(city, siti, session_a):  # noqa: F811
    """Siti with Rp8.000.000 in her sukarela account and her app PIN."""
    counter_deposit(session=session_a, account=siti, amount=8_000_000 * RUPIAH,
                    acting_user=city.teller_a)
    member_pin_set(cooperative=city.coop_a, member=siti.member, pin=PIN,
                   acting_user=city.teller_a)
    return siti


def _balance(account: SavingsAccount) -> int:
    return savings_available(SavingsAccount.objects.get(pk=account.pk))


def _written() -> tuple[int, int, int]:
    return (WithdrawalRequest.objects.count(), JournalEntry.objects.count(),
            CounterTransaction.objects.count())


def test_a_member_asks_and_the_teller_pays_once(city, saver, as_user):
    phone = member_client(city.coop_a, saver.member)
    before = _balance(saver)
    asked = phone.post("/m/ksp-a/tarik/", {"amount": "1.250.000", "token": "t1"})
    assert asked.status_code == 302
    request = WithdrawalRequest.objects.get()
    assert (request.amount, request.status, request.valid_until) == (
        1_250_000 * RUPIAH, "requested", city.coop_a.business_date + dt.timedelta(days=2))
    assert _balance(saver) == before  # nothing moves until the counter pays
    page = as_user(city.teller_a).get("/k/ksp-a/penarikan-anggota/").text
    assert request.reference in page and "Rp1.250.000,00" in page

    paid = as_user(city.teller_a).post(f"/k/ksp-a/penarikan-anggota/{request.pk}/bayar/")
    request.refresh_from_db()
    record = CounterTransaction.objects.get(pk=request.counter_transaction_id)
    assert paid["Location"] == f"/k/ksp-a/kasir/bukti/{record.pk}/"
    assert request.status == "paid" and request.entry_number == record.entry.number
    assert record.amount == 1_250_000 * RUPIAH and record.session.teller == city.teller_a
    assert _balance(saver) == before - 1_250_000 * RUPIAH
    written = _written()
    again = as_user(city.teller_a).post(f"/k/ksp-a/penarikan-anggota/{request.pk}/bayar/")
    assert again.status_code == 302 and _written() == written
    assert _balance(saver) == before - 1_250_000 * RUPIAH
    assert "sudah dibayar" in phone.get("/m/ksp-a/tarik/").text


def test_above_the_tellers_limit_a_manager_approves_first(city, saver):
    request = withdrawal_request(cooperative=city.coop_a, member=saver.member,
                                 amount=6_000_000 * RUPIAH, client_token="big")
    waiting = withdrawal_pay(cooperative=city.coop_a, request=request,
                             acting_user=city.teller_a)
    assert waiting.status == "approval" and waiting.entry_number is None
    record = CounterTransaction.objects.get(pk=waiting.counter_transaction_id)
    approval_decide(request=record.approval, approve=True, acting_user=city.manager_a)
    done = withdrawal_pay(cooperative=city.coop_a, request=waiting, acting_user=city.teller_a)
    assert done.status == "paid" and done.counter_transaction_id == record.pk
    record.approval.refresh_from_db()
    assert done.entry_number == record.approval.entry.number
    assert _balance(saver) == 2_000_000 * RUPIAH - saver.product.minimum_balance


def test_more_than_is_available_is_refused_and_nothing_is_written(city, saver):
    phone = member_client(city.coop_a, saver.member)
    written = _written()
    page = phone.post("/m/ksp-a/tarik/", {"amount": "9.000.000", "token": "t2"})
    assert page.status_code == 400 and "PORTAL_INSUFFICIENT" in page.text
    assert _written() == written


def test_the_balance_is_checked_again_when_paid(city, saver, session_a):  # noqa: F811
    from lumbung.teller.services import counter_withdraw

    request = withdrawal_request(cooperative=city.coop_a, member=saver.member,
                                 amount=4_000_000 * RUPIAH, client_token="later")
    counter_withdraw(session=session_a, account=saver, amount=4_500_000 * RUPIAH,
                     acting_user=city.teller_a)
    written = _written()
    with pytest.raises(LumbungError) as refused:
        withdrawal_pay(cooperative=city.coop_a, request=request, acting_user=city.teller_a)
    assert refused.value.code == "SAVINGS_INSUFFICIENT"
    assert _written() == written
    request.refresh_from_db()
    assert request.status == "requested" and request.teller is None  # free again


def test_an_expired_or_cancelled_request_is_not_paid(city, saver):
    late = withdrawal_request(cooperative=city.coop_a, member=saver.member,
                              amount=100_000 * RUPIAH, client_token="late")
    cancelled = withdrawal_request(cooperative=city.coop_a, member=saver.member,
                                   amount=200_000 * RUPIAH, client_token="cancel")
    phone = member_client(city.coop_a, saver.member)
    assert phone.post(f"/m/ksp-a/tarik/{cancelled.pk}/batal/").status_code == 302
    Cooperative.objects.filter(pk=city.coop_a.pk).update(
        business_date=city.coop_a.business_date + dt.timedelta(days=3))
    coop = Cooperative.objects.get(pk=city.coop_a.pk)
    written = _written()
    for request, code in ((late, "PORTAL_WITHDRAWAL_EXPIRED"),
                          (cancelled, "PORTAL_WITHDRAWAL_TAKEN")):
        with pytest.raises(LumbungError) as refused:
            withdrawal_pay(cooperative=coop, request=request, acting_user=city.teller_a)
        assert refused.value.code == code
    assert _written() == written


def test_a_teller_without_an_open_drawer_pays_nothing(city, saver, counter):  # noqa: F811
    from lumbung.teller.services import drawer_session_open
    from tests.conftest import _staff

    other = _staff(city.coop_a, "teller-a2", "teller")
    request = withdrawal_request(cooperative=city.coop_a, member=saver.member,
                                 amount=100_000 * RUPIAH, client_token="x")
    written = _written()
    with pytest.raises(LumbungError) as refused:
        withdrawal_pay(cooperative=city.coop_a, request=request, acting_user=other)
    assert refused.value.code == "TELLER_NO_OPEN_DRAWER" and _written() == written
    # Taken by teller A, it is not paid by another teller meanwhile.
    WithdrawalRequest.objects.filter(pk=request.pk).update(status="paying",
                                                           teller=city.teller_a)
    drawer_session_open(cooperative=city.coop_a, drawer=counter.drawer_a2,
                        float_amount=1_000_000 * RUPIAH, acting_user=other)
    with pytest.raises(LumbungError) as refused:
        withdrawal_pay(cooperative=city.coop_a, request=request, acting_user=other)
    assert refused.value.code == "PORTAL_WITHDRAWAL_TAKEN"


def test_no_one_else_sees_cancels_or_pays_a_request(city, saver, members, as_user):
    request = withdrawal_request(cooperative=city.coop_a, member=saver.member,
                                 amount=100_000 * RUPIAH, client_token="mine")
    written = _written()
    budi = member_client(city.coop_a, members["budi"], device="hp-budi")
    assert request.reference not in budi.get("/m/ksp-a/tarik/").text
    assert budi.post(f"/m/ksp-a/tarik/{request.pk}/batal/").status_code == 404
    wati = member_client(city.coop_b, members["wati"], device="hp-wati")
    assert wati.post(f"/m/kspps-b/tarik/{request.pk}/batal/").status_code == 404
    pay = f"/k/ksp-a/penarikan-anggota/{request.pk}/bayar/"
    assert as_user(city.teller_b).post(pay).status_code == 404
    assert as_user(city.auditor_a).post(pay).status_code == 403
    assert as_user(city.accountant_a).post(pay).status_code == 403
    assert as_user(city.teller_b).post(f"/k/kspps-b/penarikan-anggota/{request.pk}/bayar/"
                                       ).status_code in (403, 404)
    assert _written() == written
    request.refresh_from_db()
    assert request.status == "requested"


def test_the_api_asks_lists_and_cancels(city, saver, members):
    from tests.portal.test_api import login

    client = login("ksp-a", saver.member.number)
    made = client.post("/api/v1/me/withdrawals", {"amount": 300_000 * RUPIAH},
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1").json()
    again = client.post("/api/v1/me/withdrawals", {"amount": 300_000 * RUPIAH},
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1").json()
    assert made["id"] == again["id"] and WithdrawalRequest.objects.count() == 1
    assert [w["reference"] for w in client.get("/api/v1/me/withdrawals").json()] == [
        made["reference"]]
    budi = login("ksp-a", members["budi"].number, device="api-budi")
    assert budi.post(f"/api/v1/me/withdrawals/{made['id']}/cancel").status_code == 404
    assert client.post(f"/api/v1/me/withdrawals/{made['id']}/cancel").json()["status"] == \
        "cancelled"
