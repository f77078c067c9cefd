"""`python -m bench` (`make bench`): run every measurement in its own process and summarize.

    python -m bench                      full run (1M-line ledger), about 10-15 minutes
    python -m bench --quick              smaller run (100k lines, fewer postings), a few minutes
    python -m bench --only posting       one or more of: posting concurrency counter
                                         trial_balance verify loans_eod ... portal
    python -m bench --db sqlite          one engine only (default: both; PostgreSQL if reachable)

Results: a table on stdout and bench/out/results.json. See bench/README.md for each figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import bench

STEPS = ("posting", "concurrency", "counter", "trial_balance", "verify", "loans_eod",
         "savings_interest", "reports", "shu", "dinas", "api_deposit", "portal")
TARGETS = {
    ("posting", "sqlite"): 1500.0,  # entries/s, at least
    ("posting", "postgresql"): 800.0,
    ("trial_balance", None): 200.0,  # ms, at most
    ("verify", None): 30.0,  # s, at most
    ("dinas_dashboard", None): 500.0,  # ms, at most (issue 6: 300 cooperatives x 36 periods)
    ("dinas_rate_all", None): 5000.0,  # ms, at most (issue 6: rating all 300)
    ("loans_eod", "sqlite"): 120.0,  # s for a night over 100,000 loans, at most
    ("savings_interest", "sqlite"): 60.0,  # s for 100,000 sukarela accounts, at most
    ("reports", None): 300.0,  # ms per statement, at most
}


def run(module: str, engine: str, extra: list[str], log: Path) -> dict[str, Any]:
    """Run `python -m bench.<module>` in a fresh process; return its JSON result."""
    out = bench.OUT_DIR / "tmp" / f"{module}-{engine}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", f"bench.{module}", "--db", engine, "--json", str(out), *extra]
    print(f"  .. {module} [{engine}] {' '.join(extra)}", flush=True)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(bench.ROOT)}
    with log.open("a") as handle:
        handle.write(f"\n$ {' '.join(command)}\n")
        handle.flush()
        finished = subprocess.run(command, cwd=bench.ROOT, env=env, stdout=handle,
                                  stderr=subprocess.STDOUT, check=False)
    if finished.returncode != 0 or not out.exists():
        print(f"     FAILED (exit {finished.returncode}); see {log}", flush=True)
        return {"measurement": module, "db": engine, "error": f"exit {finished.returncode}"}
    result: dict[str, Any] = json.loads(out.read_text())
    result["wall_s"] = round(time.perf_counter() - start, 1)
    return result


def start_dataset(engine: str, lines: int, log: Path) -> tuple[subprocess.Popen[bytes], Path]:
    out = bench.OUT_DIR / "tmp" / f"dataset-{engine}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.dataset", "--db", engine, "--json", str(out),
               "--lines", str(lines)]
    print(f"  .. dataset [{engine}] {lines:,} lines", flush=True)
    handle = log.open("a")
    handle.write(f"\n$ {' '.join(command)}\n")
    handle.flush()
    env = {**os.environ, "PYTHONPATH": str(bench.ROOT)}
    return subprocess.Popen(command, cwd=bench.ROOT, env=env, stdout=handle,
                            stderr=subprocess.STDOUT), out


def verdict(value: float | None, target: float, at_least: bool) -> str:
    if value is None:
        return "-"
    met = value >= target if at_least else value <= target
    return "met" if met else "MISSED"


def summarize(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = [["measurement", "db", "figure", "target", "", "peak RSS MiB"]]
    for r in results:
        name, engine, rss = r["measurement"], r["db"], str(r.get("peak_rss_mib", "-"))
        if "error" in r:
            rows.append([name, engine, f"ERROR {r['error']}", "", "", ""])
            continue
        if "rows" in r:  # a bench that words its own rows: [label, figure, target, verdict]
            rows.extend([label, engine, figure, target, mark, rss]
                        for label, figure, target, mark in r["rows"])
            continue
        if name == "posting":
            target = TARGETS[("posting", engine)]
            for shape, s in r["shapes"].items():
                rows.append([f"posting {shape}", engine,
                             f"{s['entries_per_s']:,.0f} entries/s, {s['queries_per_posting']:g} "
                             f"queries/posting, tracemalloc {s['tracemalloc_peak_mib']} MiB",
                             f">= {target:,.0f}/s",
                             verdict(s["entries_per_s"], target, True), rss])
        elif name == "counter":
            for label, s in r["scenarios"].items():
                rows.append([f"counter {label} ({s['tellers']} teller)", engine,
                             f"{s['deposits_per_s']} deposits/s, p95 {s['latency_ms_p95']} ms",
                             "report", "", rss])
        elif name == "concurrency":
            for label, s in r["scenarios"].items():
                rows.append([f"concurrency {label}", engine,
                             f"{s['posters']} poster(s), {s['cooperatives']} coop(s): "
                             f"{s['entries_per_s']:,.0f} entries/s, p50 {s['latency_ms_p50']} ms,"
                             f" p95 {s['latency_ms_p95']} ms", "", "", rss])
        elif name == "dataset":
            rows.append(["dataset build", engine,
                         f"{r['lines']:,} lines, {r['entries']:,} entries in {r['total_s']} s",
                         "", "", rss])
        elif name == "trial_balance":
            for label, s in r["variants"].items():
                rows.append([f"trial balance {label}", engine,
                             f"median {s['median_ms']} ms (first {s['first_ms']}, max "
                             f"{s['max_ms']}), {s['lines_after_as_of']:,} later lines, "
                             f"tracemalloc {s['tracemalloc_peak_mib']} MiB",
                             "<= 200 ms", verdict(s["median_ms"], 200.0, False), rss])
        elif name == "dinas":
            for label, key in (("dashboard", "dinas_dashboard"), ("rate_all", "dinas_rate_all")):
                s, target = r[label], TARGETS[(key, None)]
                rows.append([f"dinas {label}", engine,
                             f"median {s['median_ms']} ms (first {s['first_ms']}, max "
                             f"{s['max_ms']}), {s['queries']} queries, {r['cooperatives']} "
                             f"coops x {r['periods']} periods", f"<= {target:,.0f} ms",
                             verdict(s["median_ms"], target, False), rss])
        elif name == "loans_eod":
            target = TARGETS.get(("loans_eod", engine))
            rows.append(["loans nightly", engine,
                         f"{r['nightly_s']} s for {r['loans']:,} loans "
                         f"({r['nightly_loans_per_s']:,} loans/s; month-end accrual "
                         f"{r['steps']['loans.accrual']['seconds']} s more)",
                         f"<= {target:g} s" if target else "report",
                         verdict(r["nightly_s"], target, False) if target else "", rss])
        elif name == "savings_interest":
            target = TARGETS[("savings_interest", "sqlite")]
            rows.append(["savings month-end interest", engine,
                         f"{r['accounts']:,} accounts in {r['seconds']} s "
                         f"({r['accounts_per_s']:,}/s), {r['entries']} entries, "
                         f"{r['lines']:,} lines, verify ok={r['verify_ok']}",
                         f"<= {target:g} s" if engine == "sqlite" else "",
                         verdict(r["seconds"], target, False) if engine == "sqlite" else "",
                         rss])
        elif name == "reports":
            for label, s in r["variants"].items():
                rows.append([f"statement {label}", engine,
                             f"median {s['median_ms']} ms (first {s['first_ms']}, max "
                             f"{s['max_ms']}), {s['queries']} queries, {r['lines']:,} lines",
                             "<= 300 ms", verdict(s["median_ms"], 300.0, False), rss])
        elif name == "verify":
            extra = (f", tracemalloc {r['tracemalloc_peak_mib']} MiB"
                     if "tracemalloc_peak_mib" in r else "")
            rows.append(["verify", engine,
                         f"{r['seconds']} s for {r['lines']:,} lines (ok={r['ok']}){extra}",
                         "<= 30 s", verdict(r["seconds"], 30.0, False), rss])
    return rows


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller run (100k lines)")
    parser.add_argument("--only", nargs="+", choices=STEPS, default=list(STEPS))
    parser.add_argument("--db", choices=(*bench.ENGINES, "both"), default="both")
    parser.add_argument("--lines", type=int, help="lines in the large ledger (default 1M)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace verify's Python allocations (a second, slower verify)")
    args = parser.parse_args()

    engines = list(bench.ENGINES) if args.db == "both" else [args.db]
    if "postgresql" in engines and not bench.postgres_reachable():
        print(f"PostgreSQL is not reachable at {bench.PG_SERVER}; measuring SQLite only.")
        engines.remove("postgresql")
    lines = args.lines or (100_000 if args.quick else 1_000_000)
    entries, warmup = (1000, 100) if args.quick else (5000, 500)
    per_thread = 50 if args.quick else 200

    for folder in (bench.OUT_DIR / "tmp", bench.DB_DIR, bench.VAR_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    log = bench.OUT_DIR / "bench.log"
    log.write_text(f"bench started {dt.datetime.now().isoformat()}\n")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []

    print("Migrating the template databases")
    for engine in engines:
        template = run("template", engine, [], log)
        if "error" in template:
            sys.exit(f"could not migrate the {engine} template; see {log}")

    if "posting" in args.only:
        print("Posting throughput")
        for engine in engines:
            results.append(run("posting", engine,
                               ["--entries", str(entries), "--warmup", str(warmup)], log))
    if "concurrency" in args.only and "postgresql" in engines:
        print("Concurrent posters (PostgreSQL)")
        results.append(run("concurrency", "postgresql", ["--per-thread", str(per_thread)], log))
    if "counter" in args.only:
        print("Counter deposits (one teller, several tellers in parallel)")
        for engine in engines:
            results.append(run("counter", engine,
                               ["--deposits", "200" if args.quick else "800"], log))
    if {"trial_balance", "verify", "reports"} & set(args.only):
        # The two engines' datasets are built side by side (the PostgreSQL load mostly waits on
        # the server); nothing is measured meanwhile.
        print(f"Building the {lines:,}-line ledger once per engine")
        started_builds = [(engine, *start_dataset(engine, lines, log)) for engine in engines]
        built = []
        for engine, process, out in started_builds:
            if process.wait() != 0 or not out.exists():
                print(f"     dataset [{engine}] FAILED; see {log}")
                results.append({"measurement": "dataset", "db": engine, "error": "failed"})
                continue
            results.append(json.loads(out.read_text()))
            built.append(engine)
        if "trial_balance" in args.only:
            print("Trial balance")
            for engine in built:
                results.append(run("trial_balance", engine, [], log))
        if "reports" in args.only:
            print("Statements (balance sheet, surplus statement)")
            for engine in built:
                results.append(run("reports", engine, [], log))
        if "verify" in args.only:
            print("Verify")
            extra = ["--tracemalloc"] if args.tracemalloc else []
            for engine in built:
                results.append(run("verify", engine, extra, log))
    if "loans_eod" in args.only:
        print("Loans nightly run")
        for engine in engines:
            results.append(run("loans_eod", engine,
                               ["--loans", "20000" if args.quick else "100000"], log))

    if "savings_interest" in args.only:
        print("Savings month-end interest")
        accounts = "20000" if args.quick else "100000"
        for engine in engines:
            results.append(run("savings_interest", engine, ["--accounts", accounts], log))

    if "api_deposit" in args.only:
        print("Deposits through the API over HTTP (20 clients)")
        for engine in engines:
            results.append(run("api_deposit", engine,
                               ["--requests", "600" if args.quick else "2000"], log))

    if "shu" in args.only:
        print("SHU simulation and distribution")
        members = "5000" if args.quick else "20000"
        for engine in engines:
            results.append(run("shu", engine, ["--members", members], log))

    if "dinas" in args.only:
        print("Dinas console (300 cooperatives x 36 periods)")
        for engine in engines:
            results.append(run("dinas", engine, [], log))

    if "portal" in args.only:
        print("Member's app: live feed, balances and feed under 100 members, page weight")
        extra = ["--members", "500", "--seconds", "15"] if args.quick else []
        for engine in engines:
            results.append(run("portal", engine, extra, log))

    total = round(time.perf_counter() - started, 1)
    document = {
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "lines": lines,
        "total_s": total,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "results": results,
    }
    (bench.OUT_DIR / "results.json").write_text(json.dumps(document, indent=2, default=str))
    print()
    print_table(summarize(results))
    print(f"\nTotal {total} s. Details: {bench.OUT_DIR / 'results.json'}, log: {log}")
    if any("error" in r for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
