"""Accounts, the live feed (server-sent events with Last-Event-ID resume) and receipts."""

from __future__ import annotations

import json

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from lumbung.portal import selectors
from lumbung.teller.receipts import verification_path
from tests.portal.conftest import RUPIAH, deposit, member_client


def _events(body: str) -> list[dict]:
    events = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if fields.get("event") == "posting":
            events.append({"id": int(fields["id"]), **json.loads(fields["data"])})
    return events


def test_the_home_screen_shows_own_accounts_and_postings_only(members, city):
    deposit(city.coop_a, members["siti"], 250_000_00, text="Setoran Siti")
    deposit(city.coop_a, members["siti"], 50_000_00, text="Setoran kedua Siti")
    deposit(city.coop_a, members["budi"], 999_000_00, text="Setoran Budi")
    page = member_client(city.coop_a, members["siti"]).get("/m/ksp-a/").text
    assert "Rp300.000,00" in page and "Setoran kedua Siti" in page
    assert "+Rp50.000,00" in page and "+Rp250.000,00" in page  # each posting's own amount
    assert "Budi" not in page and "999.000" not in page


def test_the_feed_resumes_after_the_last_event_without_loss_or_repeats(members, city):
    first = [deposit(city.coop_a, members["siti"], amount * 100) for amount in (1000, 2000)]
    deposit(city.coop_a, members["budi"], 7_000_00)
    client = member_client(city.coop_a, members["siti"])
    with override_settings(LUMBUNG_FEED_STREAM_SECONDS=0.2, LUMBUNG_FEED_POLL_SECONDS=0.05):
        body = b"".join(client.get("/m/ksp-a/umpan/").streaming_content).decode()
        seen = _events(body)
        assert [e["entry"] for e in seen] == [e.number for e in first]
        assert [e["amount"] for e in seen] == [1000_00, 2000_00]
        assert seen[-1]["balance"] == 3000_00
        later = deposit(city.coop_a, members["siti"], 500_00)
        resumed = client.get("/m/ksp-a/umpan/", HTTP_LAST_EVENT_ID=str(seen[-1]["id"]))
        again = _events(b"".join(resumed.streaming_content).decode())
    assert [e["entry"] for e in again] == [later.number]
    assert resumed["Content-Type"] == "text/event-stream"
    assert resumed["X-Accel-Buffering"] == "no"


def test_the_catch_up_endpoint_lists_postings_after_an_id(members, city):
    entries = [deposit(city.coop_a, members["siti"], 100_00 * n) for n in (1, 2, 3)]
    client = member_client(city.coop_a, members["siti"])
    items = client.get("/m/ksp-a/umpan.json").json()["items"]
    assert [i["entry"] for i in items] == [e.number for e in entries]
    after = client.get(f"/m/ksp-a/umpan.json?after={items[0]['id']}").json()["items"]
    assert [i["amount"] for i in after] == [200_00, 300_00]


def test_feed_and_balances_take_a_fixed_number_of_queries(members, city):
    for n in range(30):
        deposit(city.coop_a, members["siti"], 1_000_00 + n, ref=f"savings:{n % 3 + 1}")
    ids = {"cooperative_id": city.coop_a.pk, "member_id": members["siti"].pk}
    with CaptureQueriesContext(connection) as feed:
        assert len(selectors.feed_items(**ids)) == 30
    with CaptureQueriesContext(connection) as accounts:
        assert len(selectors.member_ledger_accounts(**ids)) == 3
    assert (len(feed), len(accounts)) == (1, 2)


def test_a_receipt_shows_the_entry_and_the_qr_of_its_verification_page(members, city):
    entry = deposit(city.coop_a, members["siti"], 125_000_00)
    page = member_client(city.coop_a, members["siti"]).get(f"/m/ksp-a/transaksi/{entry.number}/")
    assert page.status_code == 200
    assert "Rp125.000,00" in page.text and "<svg" in page.text
    link = verification_path("ksp-a", entry.number, entry.hash)
    assert link in page.text
    check = Client().get(link)
    assert check.status_code == 200 and 'data-verdict="ok"' in check.text


def test_another_members_receipt_is_not_found(members, city):
    budis = deposit(city.coop_a, members["budi"], 1_00)
    wati = deposit(city.coop_b, members["wati"], 1_00)
    client = member_client(city.coop_a, members["siti"])
    assert client.get(f"/m/ksp-a/transaksi/{budis.number}/").status_code == 404
    assert client.get(f"/m/ksp-a/transaksi/{wati.number}/").status_code == 404
    assert client.get("/m/ksp-a/transaksi/999/").status_code == 404


def test_a_withdrawal_waiting_for_approval_shows_as_pending(saver, city):
    from lumbung.portal.ppob import voluntary_account
    from lumbung.savings.services import counterpart_by_purpose, savings_withdraw

    request = savings_withdraw(cooperative=city.coop_a, account=voluntary_account(city.coop_a, saver),
                               amount=450_000 * RUPIAH, acting_user=city.accountant_a,
                               counterpart=counterpart_by_purpose(city.coop_a, "cash"),
                               idempotency_key="w1")
    pending = selectors.pending_requests(cooperative_id=city.coop_a.pk, member_id=saver.pk)
    assert [p.pk for p in pending] == [request.pk]
    assert selectors.pending_requests(cooperative_id=city.coop_a.pk, member_id=saver.pk + 1) == []


def test_one_shared_read_wakes_only_the_members_with_news(members, city):
    from lumbung.portal.feed import FeedHub

    hub = FeedHub()
    woken: list[str] = []
    deposit(city.coop_a, members["budi"], 1_00)  # before anyone watched: not news
    for name in ("siti", "budi"):
        member = members[name]
        hub.watch(member.cooperative_id, member.pk, lambda name=name: woken.append(name))
    wati = members["wati"]
    hub.watch(wati.cooperative_id, wati.pk, lambda: woken.append("wati"))
    deposit(city.coop_a, members["siti"], 2_00)
    deposit(city.coop_b, members["wati"], 3_00)
    with CaptureQueriesContext(connection) as queries:
        hub.read_if_due()
    assert sorted(woken) == ["siti", "wati"] and len(queries) == 1
    hub.read_if_due()  # not due again within the poll interval: nothing read
    assert hub.reads == 1
    hub._next_read = 0
    hub.read_if_due()
    assert sorted(woken) == ["siti", "wati"] and hub.reads == 2  # nothing new since
    deposit(city.coop_a, members["budi"], 4_00)
    hub._next_read = 0
    hub.read_if_due()
    assert sorted(woken) == ["budi", "siti", "wati"]
