"""The live feed as `lumbung serve` runs it: through Django's ASGI handler, the stream reading on
the feed's own threads (portal.feed.readers), with real commits those threads can see."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import AsyncClient, override_settings

from lumbung.portal import feed
from lumbung.portal.access import DEVICE_COOKIE, SESSION_COOKIE
from lumbung.portal.services import member_login, member_pin_set
from tests.conftest import build_city
from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: F401
from tests.portal.conftest import PIN, deposit, make_member
from tests.portal.test_feed import _events


@pytest.mark.usefixtures("committed_db")
def test_the_stream_under_the_asgi_handler_sends_postings_and_resumes(monkeypatch):
    city = build_city()
    siti, budi = (make_member(city.coop_a, n, name) for n, name in ((1, "Siti"), (2, "Budi")))
    member_pin_set(cooperative=city.coop_a, member=siti, pin=PIN, acting_user=None)
    token = member_login(cooperative=city.coop_a, identifier="1", pin=PIN,
                         device_id="hp-siti").session_token
    first = deposit(city.coop_a, siti, 1000_00)
    deposit(city.coop_a, budi, 7000_00)
    # A reader of the test's own, so that its connection is closed before the database goes.
    readers = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(feed, "readers", readers)
    client = AsyncClient()
    client.cookies[DEVICE_COOKIE] = "hp-siti"
    client.cookies[SESSION_COOKIE] = token

    async def read(headers: dict[str, str] | None = None) -> tuple[str, str]:
        response = await client.get("/m/ksp-a/umpan/", headers=headers)
        body = b"".join([chunk async for chunk in response.streaming_content])
        return response["Content-Type"], body.decode()

    try:
        with override_settings(LUMBUNG_FEED_STREAM_SECONDS=0.3, LUMBUNG_FEED_POLL_SECONDS=0.05):
            kind, body = asyncio.run(read())
            seen = _events(body)
            later = deposit(city.coop_a, siti, 500_00)
            _, again = asyncio.run(read({"Last-Event-ID": str(seen[-1]["id"])}))
    finally:
        readers.submit(connections.close_all).result()
        readers.shutdown()
    assert kind == "text/event-stream"
    assert [(e["entry"], e["amount"], e["balance"]) for e in seen] == [(first.number, 1000_00,
                                                                         1000_00)]
    assert [e["entry"] for e in _events(again)] == [later.number]
