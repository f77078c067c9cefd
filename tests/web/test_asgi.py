"""What `lumbung serve` runs (lumbung/asgi.py): pages and API through the WSGI thread pool, only
the member's live feed through Django's ASGI handler."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from lumbung import asgi

# The 404 page needs no database; the marker only lets the suite's session fixtures run when
# this file is run alone.
pytestmark = pytest.mark.django_db


def _get(path: str) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    asyncio.run(asgi.application(scope, receive, send))
    return sent


def test_only_the_live_feed_goes_to_the_asgi_handler(monkeypatch):
    seen = []

    def recorder(name):
        async def app(scope, receive, send):
            seen.append((name, scope["path"]))
        return app

    monkeypatch.setattr(asgi, "pages", recorder("pages"))
    monkeypatch.setattr(asgi, "streams", recorder("streams"))
    paths = ["/m/ksp-sejahtera/", "/api/v1/me/feed", "/m/ksp-sejahtera/umpan/",
             "/m/ksp-sejahtera/umpan.json", "/m/ksp-sejahtera/umpan/x"]
    for path in paths:
        _get(path)
    assert seen == [("pages", paths[0]), ("pages", paths[1]), ("streams", paths[2]),
                    ("pages", paths[3]), ("pages", paths[4])]


def test_a_page_is_answered_through_the_thread_pool():
    sent = _get("/halaman-yang-tidak-ada/")  # a page needing no database
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 404
    assert b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
