"""Transfers between members (confirmation, daily limit) and bank top-ups by virtual account."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client, override_settings

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry
from lumbung.portal.calculations import hmac_sha256_hex
from lumbung.portal.models import VirtualAccountTopUp
from lumbung.portal.movements import (
    member_transfer,
    transfer_preview,
    va_number,
    va_topup_receive,
)
from lumbung.portal.ppob import voluntary_account
from lumbung.savings.selectors import account_balance
from tests.portal.conftest import RUPIAH

SECRET = "dev-va-secret"


def test_a_transfer_moves_savings_between_two_members_once(saver, members_of_a, city):
    preview = transfer_preview(cooperative=city.coop_a, member=saver,
                               recipient_number=str(members_of_a.number), amount=75_000 * RUPIAH)
    assert preview.recipient == members_of_a and preview.used_today == 0
    for _ in range(2):
        entry = member_transfer(cooperative=city.coop_a, member=saver,
                                recipient_number=str(members_of_a.number),
                                amount=75_000 * RUPIAH, client_token="klik-1")
    assert JournalEntry.objects.filter(pk=entry.pk).count() == 1
    assert account_balance(voluntary_account(city.coop_a, saver)) == 425_000 * RUPIAH
    assert account_balance(voluntary_account(city.coop_a, members_of_a)) == 75_000 * RUPIAH
    assert {line.member_id for line in entry.lines.all()} == {saver.pk, members_of_a.pk}


@override_settings()
def test_the_daily_limit_counts_every_transfer_of_the_day(saver, members_of_a, city,
                                                          monkeypatch):
    from lumbung.portal import billers
    monkeypatch.setitem(billers.ppob_rules(), "transfer_daily_limit", 100_000 * RUPIAH)
    member_transfer(cooperative=city.coop_a, member=saver, amount=60_000 * RUPIAH,
                    recipient_number=str(members_of_a.number), client_token="a")
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as refused:
        member_transfer(cooperative=city.coop_a, member=saver, amount=40_001 * RUPIAH,
                        recipient_number=str(members_of_a.number), client_token="b")
    assert refused.value.code == "PORTAL_TRANSFER_LIMIT"
    assert JournalEntry.objects.count() == entries
    member_transfer(cooperative=city.coop_a, member=saver, amount=40_000 * RUPIAH,
                    recipient_number=str(members_of_a.number), client_token="c")


def test_transfer_refusals_write_nothing(saver, members_of_a, city, members):
    entries = JournalEntry.objects.count()
    cases = [(str(saver.number), 1_00, "PORTAL_TRANSFER_SELF"),
             ("999", 1_00, "PORTAL_RECIPIENT_UNKNOWN"),
             # Wati is member 7 of cooperative B; number 7 in A has no voluntary account.
             ("7", 1_00, "PORTAL_RECIPIENT_UNKNOWN"),
             (str(members_of_a.number), 0, "BAD_AMOUNT"),
             (str(members_of_a.number), 600_000 * RUPIAH, "PORTAL_INSUFFICIENT")]
    for number, amount, code in cases:
        with pytest.raises(LumbungError) as refused:
            member_transfer(cooperative=city.coop_a, member=saver, recipient_number=number,
                            amount=amount, client_token=f"x{number}{amount}")
        assert refused.value.code == code, number
    assert JournalEntry.objects.count() == entries


def _callback(city, member, amount=150_000 * RUPIAH, external_id="BCA-0001", when=None,
              secret=SECRET):
    body = json.dumps({"external_id": external_id, "va_number": va_number(city.coop_a, member),
                       "amount": amount, "timestamp": int(when or time.time())}).encode()
    return body, hmac_sha256_hex(secret, body)


def test_a_signed_va_callback_credits_the_voluntary_savings_once(saver, city):
    body, signature = _callback(city, saver)
    first = va_topup_receive(cooperative=city.coop_a, body=body, signature=signature)
    replay = va_topup_receive(cooperative=city.coop_a, body=body, signature=signature)
    assert first.pk == replay.pk
    assert account_balance(voluntary_account(city.coop_a, saver)) == 650_000 * RUPIAH
    entry = JournalEntry.objects.get(cooperative=city.coop_a, number=first.entry_number)
    assert sorted((line.account.purpose, line.debit, line.credit) for line in entry.lines.all()) \
        == [("bank", 150_000 * RUPIAH, 0), ("savings_voluntary", 0, 150_000 * RUPIAH)]


def test_bad_va_callbacks_credit_nothing(saver, city):
    entries = JournalEntry.objects.count()
    forged = _callback(city, saver, secret="tebakan")
    old = _callback(city, saver, when=time.time() - 3600, external_id="BCA-0002")
    body, signature = _callback(city, saver, external_id="BCA-0003")
    tampered = body.replace(b"15000000", b"95000000")
    unknown = json.dumps({"external_id": "BCA-4", "va_number": "880819990000001",
                          "amount": 100, "timestamp": int(time.time())}).encode()
    for (data, sig), code in ((forged, "PORTAL_VA_SIGNATURE"), (old, "PORTAL_VA_STALE"),
                              ((tampered, signature), "PORTAL_VA_SIGNATURE"),
                              ((unknown, hmac_sha256_hex(SECRET, unknown)), "PORTAL_VA_UNKNOWN")):
        with pytest.raises(LumbungError) as refused:
            va_topup_receive(cooperative=city.coop_a, body=data, signature=sig)
        assert refused.value.code == code
    assert JournalEntry.objects.count() == entries and not VirtualAccountTopUp.objects.exists()


def test_the_va_endpoint_answers_json_and_refuses_bad_signatures(saver, city):
    body, signature = _callback(city, saver)
    url = "/api/v1/va/ksp-a/callback"
    refused = Client().post(url, body, content_type="application/json",
                            HTTP_X_SIGNATURE="0" * 64)
    assert refused.status_code == 401 and refused.json()["code"] == "PORTAL_VA_SIGNATURE"
    ok = Client().post(url, body, content_type="application/json", HTTP_X_SIGNATURE=signature)
    assert ok.status_code == 200 and ok.json()["amount"] == 150_000 * RUPIAH
    assert Client().post("/api/v1/va/kspps-b/callback", body, content_type="application/json",
                         HTTP_X_SIGNATURE=signature).status_code in (404, 422)
    assert VirtualAccountTopUp.objects.count() == 1
