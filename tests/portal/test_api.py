"""/api/v1/me/...: a member token reaches only that member's data; nothing else is written."""

from __future__ import annotations

import pytest
from django.test import Client

from lumbung.ledger.models import JournalEntry
from lumbung.portal.models import BillPayment
from tests.portal.conftest import PIN, RUPIAH
from tests.portal.test_ppob import aggregator  # noqa: F401 - fixture


def login(cooperative_code: str, number: int, device: str = "api-device") -> Client:
    client = Client()
    response = client.post("/api/v1/me/login", {"cooperative": cooperative_code,
                           "identifier": str(number), "pin": PIN, "device_id": device},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    client.defaults.update(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_DEVICE_ID=device)
    return client


@pytest.fixture
def with_pins(saver, members_of_a, city):
    from lumbung.portal.services import member_pin_set
    for member in (saver, members_of_a):
        member_pin_set(cooperative=city.coop_a, member=member, pin=PIN, acting_user=city.teller_a)
    return saver, members_of_a


def test_a_member_reads_accounts_feed_and_receipts_through_the_api(with_pins, city):
    saver, _ = with_pins
    client = login("ksp-a", saver.number)
    me = client.get("/api/v1/me").json()
    assert me["name"] == "Sari Wulandari" and me["virtual_account"].startswith("88081")
    accounts = client.get("/api/v1/me/accounts").json()
    voluntary = next(a for a in accounts if a["kind"] == "sukarela")
    assert voluntary["balance"] == 500_000 * RUPIAH
    statement = client.get(f"/api/v1/me/accounts/{voluntary['number']}/statement").json()
    assert statement["closing"] == 500_000 * RUPIAH
    feed = client.get("/api/v1/me/feed").json()
    assert feed and all(item["amount"] > 0 for item in feed)
    receipt = client.get(f"/api/v1/me/transactions/{feed[-1]['entry']}").json()
    assert receipt["verify_url"].endswith(f"/v/ksp-a/{receipt['number']}/{receipt['hash']}/")


def test_without_the_device_id_or_a_token_the_api_is_closed(with_pins, city):
    saver, _ = with_pins
    client = login("ksp-a", saver.number)
    assert Client().get("/api/v1/me").status_code == 401
    stolen = Client(HTTP_AUTHORIZATION=client.defaults["HTTP_AUTHORIZATION"],
                    HTTP_X_DEVICE_ID="other-phone")
    assert stolen.get("/api/v1/me/accounts").status_code == 401


def test_a_member_never_reaches_another_members_data(with_pins, city, aggregator):  # noqa: F811
    saver, other = with_pins
    sari, joko = login("ksp-a", saver.number, "hp-sari"), login("ksp-a", other.number, "hp-joko")
    quote = sari.post("/api/v1/me/bills", {"product": "pulsa", "customer_no": "081234567890",
                      "amount": 10_000 * RUPIAH}, content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY="k1").json()
    sari_entry = sari.get("/api/v1/me/feed").json()[-1]["entry"]
    joko_accounts = joko.get("/api/v1/me/accounts").json()
    statement_of_sari = next(a for a in sari.get("/api/v1/me/accounts").json()
                             if a["kind"] == "sukarela")["number"]
    entries = JournalEntry.objects.count()
    assert joko.post(f"/api/v1/me/bills/{quote['id']}/pay").status_code == 404
    assert joko.get(f"/api/v1/me/bills/{quote['id']}").status_code == 404
    assert joko.get(f"/api/v1/me/transactions/{sari_entry}").status_code == 404
    assert joko.get(f"/api/v1/me/accounts/{statement_of_sari}/statement").status_code == 404
    assert all(a["balance"] != 500_000 * RUPIAH for a in joko_accounts)
    assert JournalEntry.objects.count() == entries
    assert BillPayment.objects.get().status == BillPayment.Status.QUOTED
    paid = sari.post(f"/api/v1/me/bills/{quote['id']}/pay").json()
    assert paid["status"] == "success" and paid["total"] == 11_500 * RUPIAH


def test_a_transfer_needs_a_key_and_is_done_once(with_pins, city):
    saver, other = with_pins
    client = login("ksp-a", saver.number)
    body = {"recipient_number": str(other.number), "amount": 25_000 * RUPIAH}
    preview = client.post("/api/v1/me/transfers/preview", body,
                          content_type="application/json").json()
    assert preview["recipient_name"] == "Joko Susilo"
    assert client.post("/api/v1/me/transfers", body,
                       content_type="application/json").status_code == 422
    first = client.post("/api/v1/me/transfers", body, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="tr-1").json()
    again = client.post("/api/v1/me/transfers", body, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="tr-1").json()
    assert first["number"] == again["number"]
    assert client.post("/api/v1/me/logout", {"everywhere": True},
                       content_type="application/json").json() == {"ended": 1}
    assert client.get("/api/v1/me").status_code == 401


def test_the_openapi_document_lists_the_member_endpoints(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/me/login", "/api/v1/me/feed", "/api/v1/me/bills/{pk}/pay",
            "/api/v1/va/{code}/callback"} <= set(paths)
