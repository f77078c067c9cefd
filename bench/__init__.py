"""Lumbung benchmarks. Each measurement is a module run in its own process (`python -m bench.X`).

Settings read DATABASE_URL and LUMBUNG_VAR_DIR once, at import, so a measurement process picks
its engine from the environment that `bench/__main__.py` hands it. The helpers here are shared:
where the databases live, making a fresh database from a migrated template, registering the
cooperatives a measurement needs, and reporting a result (with peak memory) as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import secrets
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DB_DIR = OUT_DIR / "db"
VAR_DIR = OUT_DIR / "var"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_PREFIX = os.environ.get("BENCH_PG_PREFIX", "lumbung_bench")
ENGINES = ("sqlite", "postgresql")

# The business date every benchmark cooperative is on.
BUSINESS_DATE = dt.date(2026, 11, 20)


# ---------------------------------------------------------------- where each database lives


def database_url(engine: str, name: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{DB_DIR / (name + '.sqlite3')}"
    return f"{PG_SERVER}/{PG_PREFIX}_{name}"


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def drop_database(engine: str, name: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (DB_DIR / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_PREFIX}_{name}" WITH (FORCE)')


def fresh_database(engine: str, name: str) -> str:
    """Drop `name` and recreate it as a copy of the migrated template; return its URL."""
    drop_database(engine, name)
    if engine == "sqlite":
        shutil.copyfile(DB_DIR / "template.sqlite3", DB_DIR / f"{name}.sqlite3")
    else:
        _pg_admin(f'CREATE DATABASE "{PG_PREFIX}_{name}" TEMPLATE "{PG_PREFIX}_template"')
    return database_url(engine, name)


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


# ---------------------------------------------------------------- inside a measurement process


def django_setup(url: str) -> None:
    """Point the settings at `url` and start Django. Call before importing any lumbung model."""
    os.environ["DATABASE_URL"] = url
    os.environ["LUMBUNG_VAR_DIR"] = str(VAR_DIR)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lumbung.settings"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings

    # One benchmark user per cooperative is created; Argon2 is deliberately slow and not measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_cooperatives(count: int, *, prefix: str = "bench") -> list[tuple[Any, Any]]:
    """Register `count` KSP cooperatives under one office, each with a teller; (coop, teller)."""
    from lumbung.tenancy.models import CooperativeRole
    from lumbung.tenancy.services import (
        cooperative_register,
        office_register,
        staff_assign,
        user_create,
    )

    office = office_register(code=f"{prefix}-dinas", name="Dinas Koperasi Kota Tolok Ukur",
                             jurisdiction="Kota Tolok Ukur", province="Jawa Tengah",
                             acting_user=None)
    made = []
    for i in range(1, count + 1):
        cooperative = cooperative_register(
            office=office, code=f"{prefix}-{i:02d}", name=f"KSP Tolok Ukur {i}", kind="KSP",
            business_date=BUSINESS_DATE, acting_user=None,
        )
        teller = user_create(username=f"{prefix}-teller-{i:02d}",
                             password=secrets.token_urlsafe(16))
        staff_assign(cooperative=cooperative, user=teller, role=CooperativeRole.TELLER,
                     acting_user=None)
        made.append((cooperative, teller))
    return made


def peak_rss_mib() -> float:
    """Peak resident set of this process so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def traced_peak() -> Iterator[dict[str, float]]:
    """Measure the peak of Python allocations inside the block (tracemalloc), in MiB."""
    import tracemalloc

    box: dict[str, float] = {}
    tracemalloc.start()
    try:
        yield box
    finally:
        box["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        tracemalloc.stop()


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def threaded(workers: int, per_worker: int, warm_up: Callable[[int], None],
             step: Callable[[int, int], None]) -> dict[str, Any]:
    """Start `workers` threads together (each with its own database connection): each warms up
    once, waits on a barrier, then runs `step(worker, i)` `per_worker` times. Returns the wall
    time of the whole run and each step's latency p50/p95/max; a worker's error is raised."""
    from django.db import connection

    barrier = threading.Barrier(workers + 1)
    latencies: list[list[float]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            warm_up(index)
            barrier.wait()
            for i in range(per_worker):
                start = time.perf_counter()
                step(index, i)
                latencies[index].append(time.perf_counter() - start)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join()
        raise errors[0] from None
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    flat = sorted(x for per in latencies for x in per)
    total = len(flat)
    return {
        "operations": total,
        "seconds": round(seconds, 3),
        "per_s": round(total / seconds, 1),
        "latency_ms_p50": round(1000 * statistics.median(flat), 2),
        "latency_ms_p95": round(1000 * flat[int(0.95 * (total - 1))], 2),
        "latency_ms_max": round(1000 * flat[-1], 2),
    }


def measurement_args(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=ENGINES, required=True)
    parser.add_argument("--json", type=Path, help="write the result here (else stdout)")
    return parser


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Hand a measurement's figures back to the orchestrator, with this process's peak RSS."""
    result.setdefault("db", args.db)
    result["peak_rss_mib"] = peak_rss_mib()
    text = json.dumps(result, indent=2, default=str)
    if args.json:
        args.json.write_text(text)
    else:
        sys.stdout.write(text + "\n")
