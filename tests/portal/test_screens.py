"""The member's screens for bills and transfers (the services are tested on their own)."""

from __future__ import annotations

import re

from lumbung.ledger.models import JournalEntry
from lumbung.portal.models import BillPayment
from lumbung.portal.services import member_pin_set
from tests.portal.conftest import PIN, RUPIAH, member_client
from tests.portal.test_ppob import aggregator  # noqa: F401 - fixture


def _client(city, member, device="hp"):
    member_pin_set(cooperative=city.coop_a, member=member, pin=PIN, acting_user=city.teller_a)
    return member_client(city.coop_a, member, device=device)


def test_a_member_pays_a_bill_on_screen(saver, city, aggregator):  # noqa: F811
    client = _client(city, saver)
    form = client.get("/m/ksp-a/bayar/").text
    token = re.search(r'name="token" value="(\w+)"', form).group(1)
    response = client.post("/m/ksp-a/bayar/", {"product": "bpjs_kesehatan",
                           "customer_no": "0001234567890", "token": token})
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "Iuran BPJS Kesehatan" in page and "Bayar Rp" in page
    paid = client.post(response["Location"]).text
    assert "berhasil" in paid and "Lihat bukti transaksi" in paid
    # The form sent again (back button) finds the same payment: nothing paid twice.
    again = client.post("/m/ksp-a/bayar/", {"product": "bpjs_kesehatan",
                        "customer_no": "0001234567890", "token": token})
    assert again["Location"] == response["Location"]
    assert JournalEntry.objects.filter(source="ppob").count() == 1


def test_another_members_bill_page_is_not_found(saver, members_of_a, city, aggregator):  # noqa: F811
    sari = _client(city, saver, "hp-sari")
    joko = _client(city, members_of_a, "hp-joko")
    sari.post("/m/ksp-a/bayar/", {"product": "pdam", "customer_no": "040123456", "token": "a"})
    payment = BillPayment.objects.get()
    assert joko.get(f"/m/ksp-a/bayar/{payment.pk}/").status_code == 404
    assert joko.post(f"/m/ksp-a/bayar/{payment.pk}/").status_code == 404
    assert BillPayment.objects.get().status == BillPayment.Status.QUOTED


def test_a_transfer_is_confirmed_before_it_is_sent(saver, members_of_a, city):
    client = _client(city, saver)
    data = {"recipient": str(members_of_a.number), "amount": "25.000", "token": "tok1"}
    preview = client.post("/m/ksp-a/transfer/", data)
    assert "Joko Susilo" in preview.text and "Kirim sekarang" in preview.text
    assert not JournalEntry.objects.filter(idempotency_key__startswith="portal:transfer").exists()
    done = client.post("/m/ksp-a/transfer/", {**data, "confirm": "1"})
    assert done.status_code == 302
    entry = JournalEntry.objects.get(idempotency_key__startswith="portal:transfer")
    assert entry.total == 25_000 * RUPIAH
    assert done["Location"] == f"/m/ksp-a/transaksi/{entry.number}/"
    bad = client.post("/m/ksp-a/transfer/", {"recipient": "1", "amount": "25.000,5x"})
    assert "BAD_AMOUNT" in bad.text


def test_the_app_is_indonesian_until_the_member_picks_english(members, city):
    client = member_client(city.coop_a, members["siti"])
    home = client.get("/m/ksp-a/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").text
    assert "Rekening saya" in home and "My accounts" not in home
    assert 'action="/i18n/setlang/"' in client.get("/m/ksp-a/pengaturan/").text
    picked = client.post("/i18n/setlang/", {"language": "en", "next": "/m/ksp-a/pengaturan/"})
    assert picked["Location"] == "/m/ksp-a/pengaturan/"
    home = client.get("/m/ksp-a/").text
    assert "My accounts" in home and "Latest transactions" in home
    loans = client.get("/m/ksp-a/pinjaman/").text
    assert "My loans" in loans and "Simulate and apply for a loan" in loans
