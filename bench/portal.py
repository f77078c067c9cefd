"""The member's app under load, served by `lumbung serve` (uvicorn, one process) as in
production, measured from outside over HTTP.

Setup (not timed): one KSP with `--members` members (5 postings each to their sukarela
sub-ledger) of whom `--app-members` use the app (50 postings each, a PIN and a session on their
own device); static files collected as `make run` does.

  streams   every app member holds the live feed open (server-sent events, the phone's home
            screen); the server's CPU while they idle is reported.
  live      with those streams open, the bench (standing in for the counter) posts deposits to
            random app members at `--rate` per second; delay = from the posting's commit to the
            event read off that member's stream.
  requests  with the streams still open, each app member asks every `--think` seconds on
            average (exponential gaps: `--app-members` / `--think` requests a second in all) for
            their balances (GET /api/v1/me/accounts), their feed (GET /api/v1/me/feed) or the
            home screen (GET /m/<code>/): latency p50/p95/max per endpoint.
  saturation  the same requests with no pause at all from every member (closed loop): how many
            a second the server manages, and the latency then (for information).
  page weight  Chromium on a 360 px phone with the network throttled to slow 3G (400 ms
            round trip, 400 kbit/s each way), cold cache: the login page, then the home screen
            after logging in, then the home screen again (warm): bytes on the wire (compressed
            where the server compresses) and the time to the load event. The live stream is
            the feed itself, not page weight: it is left out of the bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

import bench

NAME = "portal"
CODE = "portal-01"
PIN = "240817"


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def _summary(values_s: list[float]) -> dict[str, Any]:
    ms = [1000 * v for v in values_s]
    return {"count": len(ms), "p50_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(_pct(ms, 0.95), 1) if ms else None,
            "max_ms": round(max(ms), 1) if ms else None}


# ---------------------------------------------------------------- the books


def _build(members: int, app_members: int, history: int) -> tuple[Any, list[dict[str, Any]]]:
    from django.test import override_settings

    from lumbung import settings as production
    from lumbung.ledger.models import Account
    from lumbung.ledger.services import LineSpec, journal_entry_post
    from lumbung.members.models import Member
    from lumbung.members.services import member_register
    from lumbung.portal.services import member_login, member_pin_set

    [(cooperative, _)] = bench.make_cooperatives(1, prefix="portal")
    codes = dict(Account.objects.filter(cooperative=cooperative, purpose__in=[
        "cash", "savings_voluntary"]).values_list("purpose", "code"))
    people = []
    for n in range(1, members + 1):
        member = member_register(
            cooperative=cooperative, nik=f"337501{57 if n % 2 else 17}0885{n:04d}",
            name=f"Anggota {n}", birth_date=dt.date(1985, 8, 17), gender="P" if n % 2 else "L",
            acting_user=None)
        people.append(member.pk)
    # Members as the savings app would have admitted them (number and joining date together).
    for number, pk in enumerate(people, start=1):
        Member.objects.filter(pk=pk).update(status=Member.Status.MEMBER, number=number,
                                            joined_on=bench.BUSINESS_DATE)
    rng = random.Random(7)
    app = people[:app_members]
    plan = [pk for pk in people for _ in range(history if pk in app else 5)]
    rng.shuffle(plan)
    for pk in plan:
        amount = rng.randint(10, 2000) * 1000_00
        journal_entry_post(cooperative=cooperative, lines=[
            LineSpec(codes["cash"], debit=amount),
            LineSpec(codes["savings_voluntary"], credit=amount, member_id=pk,
                     subledger_ref=f"savings:{pk}")],
            description=f"Setoran tunai anggota {pk}", source="teller", acting_user=None)
    clients = []
    for pk in app:
        member = Member.objects.get(pk=pk)
        # The setup hashes with a fast hasher the server does not know; the member whose login
        # the browser measures (the first) gets their PIN hashed as in production.
        hashing = (override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS) if pk == app[0]
                   else contextlib.nullcontext())
        device = f"hp-{pk}"
        with hashing:
            member_pin_set(cooperative=cooperative, member=member, pin=PIN, acting_user=None)
            outcome = member_login(cooperative=cooperative, identifier=str(member.number),
                                   pin=PIN, device_id=device)
        clients.append({"member_id": pk, "device": device, "token": outcome.session_token})
    return cooperative, clients


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "LUMBUNG_VAR_DIR": str(bench.VAR_DIR),
           "WEB_WORKERS": str(workers),
           "DEBUG": "false", "SECURE_COOKIES": "false", "ALLOWED_HOSTS": "127.0.0.1",
           "PYTHONPATH": str(bench.ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "lumbung", "serve", "--port", str(port)],
                              cwd=bench.ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of the server and every process under it (its workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grown = {pid}, True
    while grown:
        grown = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grown = True
    return sum(times.get(p, 0.0) for p in tree)


# ---------------------------------------------------------------- members' phones


class Phone:
    """One member's device: a keep-alive connection, the session cookie and the API token.
    Asynchronous, so that a hundred phones cost the bench one thread, not a hundred threads
    fighting the server for the two cores."""

    def __init__(self, port: int, client: dict[str, Any]) -> None:
        self.port, self.client = port, client
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def headers(self, api: bool) -> str:
        if api:
            return (f"Authorization: Bearer {self.client['token']}\r\n"
                    f"X-Device-Id: {self.client['device']}\r\n")
        return (f"Cookie: lumbung_anggota={self.client['token']}; "
                f"lumbung_perangkat={self.client['device']}\r\n")

    async def get(self, path: str, api: bool) -> float:
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                status, body = await asyncio.wait_for(self._exchange(path, api), 30)
                break
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                self.close()
                if attempt == 2:
                    raise
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        return time.perf_counter() - start

    async def _exchange(self, path: str, api: bool) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.headers(api)}"
                          "\r\n".encode())
        first = await self.reader.readline()
        if not first:  # the server closed the idle connection (keep-alive timeout)
            raise ConnectionResetError
        status = int(first.split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value:
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        body = b""
        while size := int((await self.reader.readline()).strip(), 16):
            body += await self.reader.readexactly(size + 2)
        await self.reader.readline()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Stream(threading.Thread):
    """The member's live feed, reconnecting with Last-Event-ID like EventSource does."""

    def __init__(self, port: int, client: dict[str, Any], after: int,
                 arrivals: dict[int, float]) -> None:
        super().__init__(daemon=True)
        self.port, self.client, self.after, self.arrivals = port, client, after, arrivals
        self.connected = threading.Event()
        self.stop = threading.Event()
        self.sock: socket.socket | None = None

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._read_once()
            except OSError:
                if self.stop.is_set():
                    return
                time.sleep(1)

    def _read_once(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        self.sock = sock
        request = (f"GET /m/{CODE}/umpan/?after={self.after} HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                   f"Last-Event-ID: {self.after}\r\n"
                   f"Cookie: lumbung_anggota={self.client['token']}; "
                   f"lumbung_perangkat={self.client['device']}\r\n\r\n")
        sock.sendall(request.encode())
        reader = sock.makefile("rb")
        status = reader.readline()
        if b" 200 " not in status:
            raise OSError(f"stream refused: {status!r}")
        while reader.readline() not in (b"\r\n", b""):
            pass  # response headers
        self.connected.set()
        while not self.stop.is_set():
            line = reader.readline()
            if not line:
                return  # the stream's lifetime ended: reconnect
            if line.startswith(b"id: "):
                line_id = int(line[4:].strip())
                self.arrivals[line_id] = time.perf_counter()
                self.after = max(self.after, line_id)

    def close(self) -> None:
        self.stop.set()
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)


# ---------------------------------------------------------------- scenarios


def live(cooperative: Any, clients: list[dict[str, Any]], arrivals: dict[int, float],
         rate: float, seconds: float) -> dict[str, Any]:
    """Deposits to random app members; delay from commit to the event on their stream."""
    from lumbung.ledger.models import Account, JournalLine
    from lumbung.ledger.services import LineSpec, journal_entry_post

    codes = dict(Account.objects.filter(cooperative=cooperative, purpose__in=[
        "cash", "savings_voluntary"]).values_list("purpose", "code"))
    rng = random.Random(11)
    committed: dict[int, float] = {}
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < seconds:
        pk = rng.choice(clients)["member_id"]
        entry = journal_entry_post(cooperative=cooperative, lines=[
            LineSpec(codes["cash"], debit=50_000_00),
            LineSpec(codes["savings_voluntary"], credit=50_000_00, member_id=pk,
                     subledger_ref=f"savings:{pk}")],
            description="Setoran tunai di loket", source="teller", acting_user=None)
        now = time.perf_counter()
        line_id = JournalLine.objects.get(entry=entry, member_id=pk).pk
        committed[line_id] = now
        n += 1
        time.sleep(max(0.0, started + n / rate - time.perf_counter()))
    time.sleep(3)  # the last events' way to the phones
    delays = [arrivals[line] - at for line, at in committed.items() if line in arrivals]
    missing = len(committed) - len(delays)
    return {**_summary(delays), "postings": len(committed), "missing": missing}


ENDPOINTS = {
    "balances": ("/api/v1/me/accounts", True),
    "feed": ("/api/v1/me/feed?after={after}", True),
    "home": (f"/m/{CODE}/", False),
}


def requests(port: int, clients: list[dict[str, Any]], think: float, seconds: float,
             after: dict[int, int]) -> dict[str, Any]:
    """Each member asks for one of ENDPOINTS every `think` s on average (0: no pause)."""
    return asyncio.run(_requests(port, clients, think, seconds, after))


async def _requests(port: int, clients: list[dict[str, Any]], think: float, seconds: float,
                    after: dict[int, int]) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    phones = [Phone(port, client) for client in clients]
    # Warm: every connection is open before the clock starts.
    await asyncio.gather(*(phone.get(ENDPOINTS["balances"][0], True) for phone in phones))

    async def member(index: int, phone: Phone, end: float) -> None:
        rng = random.Random(index)
        names = list(ENDPOINTS)
        while True:
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))
            if time.perf_counter() >= end:
                return
            name = rng.choice(names)
            path, api = ENDPOINTS[name]
            # A phone catching up asks for the postings after the last 20 it has.
            latencies[name].append(await phone.get(
                path.format(after=after[phone.client["member_id"]]), api))

    started = time.perf_counter()
    try:
        await asyncio.gather(*(member(i, phone, started + seconds)
                               for i, phone in enumerate(phones)))
    finally:
        for phone in phones:
            phone.close()
    wall = time.perf_counter() - started
    total = sum(len(v) for v in latencies.values())
    return {"seconds": round(wall, 1), "requests": total, "per_s": round(total / wall, 1),
            "endpoints": {name: _summary(values) for name, values in latencies.items()}}


def page_weight(port: int, client: dict[str, Any], member_number: int) -> dict[str, Any]:
    """Login page cold, home after logging in, home again, on a throttled 360 px phone."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}/m/{CODE}"
    result: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
            "uploadThroughput": 400_000 / 8})
        sizes: dict[str, float] = {}
        urls: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent",
               lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished",
               lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

        def visit(label: str, action: Any) -> None:
            sizes.clear()
            urls.clear()
            start = time.perf_counter()
            action()
            page.wait_for_load_state("load")
            seconds = time.perf_counter() - start
            page.wait_for_timeout(300)
            counted = {urls.get(k, k): v for k, v in sizes.items() if "/umpan/" not in
                       urls.get(k, "")}
            result[label] = {"kb": round(sum(counted.values()) / 1024, 1),
                             "load_s": round(seconds, 2), "requests": len(counted),
                             "files": {u.replace(f"http://127.0.0.1:{port}", ""): round(v)
                                       for u, v in sorted(counted.items())}}

        visit("login_cold", lambda: page.goto(f"{base}/masuk/"))

        def log_in() -> None:
            page.fill("input[name=identifier]", str(member_number))
            page.fill("input[name=pin]", PIN)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")

        visit("home_after_login", log_in)
        visit("home_again", lambda: page.goto(f"{base}/"))
        context.close()
        browser.close()
    return result


# ---------------------------------------------------------------- main


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--app-members", type=int, default=100)
    parser.add_argument("--history", type=int, default=50)
    parser.add_argument("--rate", type=float, default=5.0, help="deposits a second (live)")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between asks")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    url = bench.fresh_database(args.db, NAME)
    bench.django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    from lumbung.ledger.models import JournalLine
    from lumbung.members.models import Member

    started = time.perf_counter()
    cooperative, clients = _build(args.members, args.app_members, args.history)
    call_command("collectstatic", interactive=False, verbosity=0)
    build_s = round(time.perf_counter() - started, 1)
    last_ids = {c["member_id"]: JournalLine.objects.filter(
        cooperative=cooperative, member_id=c["member_id"]).order_by("-id")
        .values_list("id", flat=True)[:20] for c in clients}
    after = {pk: list(ids)[-1] for pk, ids in last_ids.items()}
    newest = {pk: next(iter(ids)) for pk, ids in last_ids.items()}
    connection.close()

    port = _free_port()
    server = _start_server(url, port, args.workers)
    result: dict[str, Any] = {"measurement": NAME, "members": args.members,
                              "workers": args.workers, "load_average": os.getloadavg()[0],
                              "app_members": args.app_members, "history": args.history,
                              "build_s": build_s}
    arrivals: dict[int, float] = {}
    streams = [Stream(port, c, newest[c["member_id"]], arrivals) for c in clients]
    try:
        for stream in streams:
            stream.start()
        for stream in streams:
            if not stream.connected.wait(60):
                raise RuntimeError("a stream did not connect")
        cpu = _cpu_seconds(server.pid)
        time.sleep(10)
        result["streams"] = {"open": len(streams),
                             "server_cpu_percent": round(
                                 (_cpu_seconds(server.pid) - cpu) / 10 * 100, 1)}
        result["live"] = live(cooperative, clients, arrivals, args.rate, args.seconds)
        connection.close()
        cpu = _cpu_seconds(server.pid)
        result["requests"] = requests(port, clients, args.think, args.seconds, after)
        used = _cpu_seconds(server.pid) - cpu
        result["requests"]["server_cpu_percent"] = round(
            used / result["requests"]["seconds"] * 100, 1)
        result["requests"]["server_cpu_ms_per_request"] = round(
            1000 * used / max(result["requests"]["requests"], 1), 1)
        result["saturation"] = requests(port, clients, 0, min(args.seconds, 15), after)
        for stream in streams:
            stream.close()
        if not args.no_browser:
            number = Member.objects.get(pk=clients[0]["member_id"]).number
            connection.close()
            result["page_weight"] = page_weight(port, clients[0], number)
    finally:
        for stream in streams:
            stream.close()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    result["rows"] = _rows(result, args)
    bench.report(args, result)


def _rows(r: dict[str, Any], args: Any) -> list[list[str]]:
    def verdict(value: float | None, limit: float) -> str:
        return "-" if value is None else ("met" if value <= limit else "MISSED")

    who = f"{r['app_members']} members"
    rows = [["portal streams", f"{r['streams']['open']} live streams open, idle: server CPU "
             f"{r['streams']['server_cpu_percent']} % of a core", "report", ""]]
    live_ = r["live"]
    rows.append([f"portal live feed delay ({who} streaming)",
                 f"p50 {live_['p50_ms']} ms, p95 {live_['p95_ms']} ms, max {live_['max_ms']} ms "
                 f"over {live_['postings']} postings ({live_['missing']} missing)",
                 "<= 2000 ms", "MISSED" if live_["missing"] else
                 verdict(live_["max_ms"], 2000.0)])
    req = r["requests"]
    for name, s in req["endpoints"].items():
        target = "report" if name == "home" else "p95 <= 100 ms"
        rows.append([f"portal {name} ({who}, 1 ask/{args.think:g} s each)",
                     f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, max {s['max_ms']} ms, "
                     f"{s['count']} requests ({req['per_s']}/s in all; server CPU "
                     f"{req['server_cpu_percent']} % = {req['server_cpu_ms_per_request']} ms a "
                     f"request; load average {r['load_average']:.1f})", target,
                     "" if name == "home" else verdict(s["p95_ms"], 100.0)])
    sat = r["saturation"]
    rows.append([f"portal saturation ({who}, no pause)",
                 f"{sat['per_s']} requests/s, p95 " + ", ".join(
                     f"{name} {s['p95_ms']} ms" for name, s in sat["endpoints"].items()),
                 "report", ""])
    for label, s in r.get("page_weight", {}).items():
        rows.append([f"portal page {label} (slow 3G)",
                     f"{s['kb']} KB in {s['requests']} responses, load {s['load_s']} s",
                     "< 100 KB", "met" if s["kb"] < 100 else "MISSED"])
    return rows


if __name__ == "__main__":
    main()
