"""Deposits through the JSON API over HTTP (`python -m bench.api_deposit --db sqlite`).

Issue 3 asks for requests per second and p95 latency with 20 concurrent clients. The server is
the real one, `lumbung serve` (uvicorn, ASGI, `--workers`, default 2 = this machine's cores) in
its own process on a free local port, DEBUG off, CONN_MAX_AGE 0 (see start_server). The
clients are `--clients` threads in this process, each a teller with its own logged-in session
and keep-alive connection, started together. Each request is
`POST /api/v1/cooperatives/<code>/savings-accounts/<number>/deposits` with a fresh
`Idempotency-Key` and the session's CSRF token, into one of 200 members' sukarela accounts
(cash side: the vault), and must answer 201. Latency is the client's: from sending the request
to reading the whole answer. Afterwards the books must verify.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import bench

NAME = "api_deposit"
MEMBERS = 200
CSRF = "benchbenchbenchbenchbenchbench32"  # a 32-character CSRF secret, sent as cookie and header


def setup(clients: int) -> tuple[Any, list[tuple[str, str]], list[str]]:
    """One KSP with money in the vault, MEMBERS admitted members, `clients` tellers each with a
    session; returns (cooperative, [(username, session key)], sukarela account numbers)."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from lumbung.ledger.services import LineSpec, journal_entry_post
    from lumbung.members.services import member_register
    from lumbung.savings.models import SavingsAccount
    from lumbung.savings.services import counterpart_by_purpose, member_admit
    from lumbung.tenancy.services import staff_assign, user_create

    [(cooperative, first)] = bench.make_cooperatives(1, prefix="api")
    journal_entry_post(cooperative=cooperative, lines=[
        LineSpec("1101", debit=10**12), LineSpec("3103", credit=10**12)],
        description="Modal", acting_user=None)
    vault = counterpart_by_purpose(cooperative, "cash")
    for n in range(MEMBERS):
        member = member_register(
            cooperative=cooperative, nik=f"3375015708{n // 1000 + 85:02d}{n % 1000 + 1:04d}",
            name=f"Anggota {n}", birth_date=dt.date(1985, 8, 17), gender="P", acting_user=None)
        member_admit(cooperative=cooperative, member=member, counterpart=vault,
                     acting_user=None, idempotency_key=f"bench:admit:{n}")
    tellers = [first]
    for n in range(1, clients):
        user = user_create(username=f"api-kasir-{n}", password=f"x-{n}-bench-password")
        staff_assign(cooperative=cooperative, user=user, role="teller", acting_user=None)
        tellers.append(user)
    sessions = []
    for user in tellers:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((user.username, store.session_key or ""))
    numbers = list(SavingsAccount.objects.filter(cooperative=cooperative,
                                                 product__kind="sukarela")
                   .order_by("number").values_list("number", flat=True))
    return cooperative, sessions, numbers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "LUMBUNG_VAR_DIR": str(bench.VAR_DIR),
           "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "false",
           "PYTHONPATH": str(bench.ROOT)}
    # Pages and API run on the server's fixed thread pool, each thread keeping its connection
    # (DATABASE_CONN_MAX_AGE, 60 s by default; a run may set 0 to measure a connection a request).
    log = (bench.OUT_DIR / "tmp" / f"{NAME}-server.log").open("ab")
    command = ["-m", "lumbung", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(
        [sys.executable, *command], cwd=bench.ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"lumbung serve did not start; see {log.name}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000,
                        help="deposits in all (split between the clients)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    (bench.OUT_DIR / "tmp").mkdir(parents=True, exist_ok=True)
    url = bench.fresh_database(args.db, NAME)
    bench.django_setup(url)
    from django.db import connection

    from lumbung.ledger.models import JournalEntry
    from lumbung.ledger.verify import verify_cooperative

    cooperative, sessions, numbers = setup(args.clients)
    entries_before = JournalEntry.objects.filter(cooperative=cooperative).count()
    connection.close()
    port = free_port()
    server = start_server(url, port, args.workers)
    per_client = args.requests // args.clients
    rngs = [random.Random(index) for index in range(args.clients)]
    connections: list[http.client.HTTPConnection | None] = [None] * args.clients

    def deposit(index: int, key: str) -> None:
        conn = connections[index]
        if conn is None:
            conn = connections[index] = http.client.HTTPConnection("127.0.0.1", port,
                                                                   timeout=60)
        body = json.dumps({"amount": rngs[index].randint(20, 500) * 1_000_00})
        number = rngs[index].choice(numbers)
        conn.request("POST", f"/api/v1/cooperatives/{cooperative.code}/savings-accounts/"
                     f"{number}/deposits", body=body, headers={
                         "Content-Type": "application/json", "Idempotency-Key": key,
                         "X-CSRFToken": CSRF,
                         "Cookie": f"sessionid={sessions[index][1]}; csrftoken={CSRF}"})
        response = conn.getresponse()
        answer = response.read()
        if response.status != 201:
            raise RuntimeError(f"{response.status}: {answer[:300]!r}")

    def warm_up(index: int) -> None:
        for i in range(3):
            deposit(index, f"warm:{index}:{i}")

    try:
        figures = bench.threaded(args.clients, per_client,
                                 warm_up, lambda index, i: deposit(index, f"{index}:{i}"))
    finally:
        for conn in connections:
            if conn is not None:
                conn.close()
        stop_server(server)
    posted = JournalEntry.objects.filter(cooperative=cooperative).count() - entries_before
    report = verify_cooperative(cooperative)
    connection.close()
    result: dict[str, Any] = {
        "measurement": NAME, "clients": args.clients, "server_workers": args.workers,
        "conn_max_age": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "requests": figures["operations"], "seconds": figures["seconds"],
        "requests_per_s": figures["per_s"], "latency_ms_p50": figures["latency_ms_p50"],
        "latency_ms_p95": figures["latency_ms_p95"], "latency_ms_max": figures["latency_ms_max"],
        "entries_posted": posted, "verify_ok": report.ok,
    }
    assert posted == figures["operations"] + 3 * args.clients, result
    result["rows"] = [[
        f"API deposits ({args.clients} clients, {args.workers} server workers)",
        f"{figures['per_s']} requests/s, p50 {figures['latency_ms_p50']} ms, "
        f"p95 {figures['latency_ms_p95']} ms, verify ok={report.ok}",
        "report", "",
    ]]
    bench.report(args, result)


if __name__ == "__main__":
    main()
