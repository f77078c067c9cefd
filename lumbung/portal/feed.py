"""The live feed: server-sent events of every posting to a member's accounts.

Each open stream keeps its own cursor (the last line id it sent), so a reconnecting browser
(Last-Event-ID) loses and repeats nothing. What would cost most with many members connected,
each stream asking the database every half second whether anything happened, is done once per
process instead: the FeedHub reads, once per poll interval, which of the watched members got new
lines, and wakes only their streams, which then read their own feed. The hub has no thread of
its own: whichever stream finds the shared read due does it, with that stream's database access
(so it works under the ASGI server, the threaded development server and the tests alike).

Line ids of one cooperative appear in commit order (postings hold the cooperative's ledger head
until they commit), so "newer than the last id seen for this cooperative" misses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import random
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Max

from lumbung.core.money import format_rupiah
from lumbung.ledger.models import JournalLine
from lumbung.portal import selectors

# Sent first: the reconnect delay for EventSource, and 2 KB of comment so that proxies which
# buffer the start of a response let the stream through at once.
STREAM_PRELUDE = "retry: 1000\n:" + " " * 2048 + "\n\n"
# A comment line this often on a quiet stream (keeps proxies and mobile networks from closing
# it); the stream also reads its own feed this often, whatever the hub says.
KEEPALIVE_SECONDS = 15
T = TypeVar("T")


def _event(item: selectors.FeedItem, balances: dict[str, int]) -> str:
    data = item.as_dict()
    if item.ref in balances:
        data["balance"] = balances[item.ref]
        data["balance_text"] = format_rupiah(balances[item.ref])
    return f"id: {item.line_id}\nevent: posting\ndata: {json.dumps(data)}\n\n"


def read_events(cooperative_id: int, member_id: int, after: int) -> tuple[list[str], int]:
    """The events after line id `after`, each with its account's balance now, and the new
    cursor. Two queries when there is news, one when not."""
    items = selectors.feed_items(cooperative_id=cooperative_id, member_id=member_id,
                                 after_id=after)
    if not items:
        return [], after
    balances = selectors.subledger_balances(cooperative_id=cooperative_id,
                                            refs={item.ref for item in items},
                                            account_ids={item.account_id for item in items})
    return [_event(item, balances) for item in items], items[-1].line_id


class _OpenStreams:
    """How many live streams this process is serving (tests wait for zero before the database
    is emptied; an operator can read it as the number of members watching)."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def add(self, change: int) -> None:
        with self._lock:
            self._count += change

    @property
    def count(self) -> int:
        return self._count


open_streams = _OpenStreams()
Waker = Callable[[], None]


class FeedHub:
    """Which watched members have new postings, read once per poll interval for all of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watchers: dict[tuple[int, int], set[Waker]] = defaultdict(set)
        # cooperative pk -> the newest member line id the hub has seen there
        self._last: dict[int, int] = {}
        self._next_read = 0.0
        self._reading = False
        self.reads = 0

    @property
    def interval(self) -> float:
        return float(settings.LUMBUNG_FEED_POLL_SECONDS)

    def watch(self, cooperative_id: int, member_id: int, wake: Waker) -> None:
        """Call `wake` (from any thread) whenever the member gets new lines. Register before
        the stream's first read of its own feed: nothing falls between the two."""
        known = cooperative_id in self._last
        newest = 0 if known else (JournalLine.objects.filter(cooperative_id=cooperative_id)
                                  .aggregate(newest=Max("id"))["newest"] or 0)
        with self._lock:
            self._watchers[(cooperative_id, member_id)].add(wake)
            self._last.setdefault(cooperative_id, newest)

    def unwatch(self, cooperative_id: int, member_id: int, wake: Waker) -> None:
        with self._lock:
            key = (cooperative_id, member_id)
            self._watchers[key].discard(wake)
            if not self._watchers[key]:
                del self._watchers[key]
            if not any(c == cooperative_id for c, _ in self._watchers):
                # Nobody of this cooperative watches: start afresh when someone does.
                self._last.pop(cooperative_id, None)

    def due(self) -> bool:
        return not self._reading and time.monotonic() >= self._next_read

    def read_if_due(self) -> None:
        """Do the shared read if it is due and nobody else is doing it; wake whom it concerns."""
        with self._lock:
            if self._reading or time.monotonic() < self._next_read or not self._watchers:
                return
            self._reading = True
            last = {c: self._last[c] for c, _ in self._watchers if c in self._last}
        fresh: set[tuple[int, int]] = set()
        newest: dict[int, int] = {}
        try:
            if last:
                rows = (JournalLine.objects.filter(cooperative_id__in=list(last),
                                                   id__gt=min(last.values()),
                                                   member_id__isnull=False)
                        .exclude(subledger_ref="")
                        .values_list("cooperative_id", "member_id", "id"))
                for cooperative_id, member_id, line_id in rows:
                    if line_id > last[cooperative_id] and member_id is not None:
                        fresh.add((cooperative_id, member_id))
                        newest[cooperative_id] = max(newest.get(cooperative_id, 0), line_id)
            self.reads += 1
        finally:
            with self._lock:
                for cooperative_id, line_id in newest.items():
                    if cooperative_id in self._last:
                        self._last[cooperative_id] = max(self._last[cooperative_id], line_id)
                wakers = [wake for key in fresh for wake in self._watchers.get(key, ())]
                self._reading = False
                self._next_read = time.monotonic() + self.interval
        for wake in wakers:
            wake()


hub = FeedHub()


def _lifetime() -> float:
    """How long this stream lasts before the browser reconnects: LUMBUNG_FEED_STREAM_SECONDS,
    give or take a fifth, so that streams opened together (a server restart, a network coming
    back at the market) do not all reconnect in the same second again."""
    return settings.LUMBUNG_FEED_STREAM_SECONDS * random.uniform(0.8, 1.2)


def stream_sync(cooperative_id: int, member_id: int, after: int) -> Iterator[str]:
    """The stream for a WSGI server (development server, tests): a thread per stream."""
    woken = threading.Event()
    open_streams.add(1)
    try:
        yield STREAM_PRELUDE
        hub.watch(cooperative_id, member_id, woken.set)
        now = time.monotonic()
        deadline, quiet_since = now + _lifetime(), now
        while time.monotonic() < deadline:
            woken.clear()
            events, after = read_events(cooperative_id, member_id, after)
            yield from events
            if events:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                quiet_since = time.monotonic()
            until = min(deadline, time.monotonic() + KEEPALIVE_SECONDS)
            while not woken.is_set() and time.monotonic() < until:
                hub.read_if_due()
                woken.wait(hub.interval)
    finally:
        hub.unwatch(cooperative_id, member_id, woken.set)
        open_streams.add(-1)


# The database reads of every open stream of the process, on a few threads of their own: each
# keeps one connection, whatever the number of streams (run_in_executor carries no request
# context, so a read never uses the connection of the request that opened the stream).
readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="feed")


def _on_usable_connection(function: Callable[..., T], *args: Any) -> T:
    """Run `function` on one of the readers after the checks a request would make: a connection
    that is too old or was broken (the database restarted) is replaced, not used forever."""
    close_old_connections()
    return function(*args)


async def stream_async(cooperative_id: int, member_id: int, after: int) -> AsyncIterator[str]:
    """The stream under the ASGI server: no thread of its own; its database reads go to the
    shared `readers`, so open streams hold no database connections."""
    loop = asyncio.get_running_loop()
    woken = asyncio.Event()

    def wake() -> None:
        loop.call_soon_threadsafe(woken.set)

    def in_readers(function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        return loop.run_in_executor(
            readers, functools.partial(_on_usable_connection, function, *args))

    open_streams.add(1)
    watching = False
    try:
        yield STREAM_PRELUDE
        await in_readers(hub.watch, cooperative_id, member_id, wake)
        watching = True
        deadline = loop.time() + _lifetime()
        quiet_since = loop.time()
        while loop.time() < deadline:
            woken.clear()
            events, after = await in_readers(read_events, cooperative_id, member_id, after)
            for event in events:
                yield event
            if events:
                quiet_since = loop.time()
            elif loop.time() - quiet_since >= KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                quiet_since = loop.time()
            until = min(deadline, loop.time() + KEEPALIVE_SECONDS)
            while not woken.is_set() and loop.time() < until:
                if hub.due():
                    await in_readers(hub.read_if_due)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), hub.interval)
    finally:
        if watching:
            hub.unwatch(cooperative_id, member_id, wake)
        open_streams.add(-1)
