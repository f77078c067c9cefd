"""lumbung eod [--date D] [--cooperative CODE]: close business days, resumable and idempotent."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from lumbung.batch.registry import ordered_steps
from lumbung.batch.services import eod_run
from lumbung.core.cli import LumbungCommand, cooperative_by_code, parse_date
from lumbung.tenancy.models import Cooperative


class Command(LumbungCommand):
    help = "Proses akhir hari: jalankan langkah-langkah terdaftar lalu majukan tanggal usaha."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="tutup hari sampai tanggal ini (TTTT-BB-HH)")
        parser.add_argument("--cooperative", help="kode koperasi (default: semua yang aktif)")
        parser.add_argument("--format", choices=["auto", "json", "text"], default="auto")

    def handle(self, *args: Any, **options: Any) -> None:
        until = parse_date(options["date"]) if options["date"] else None
        if options["cooperative"]:
            cooperatives = [cooperative_by_code(options["cooperative"])]
        else:
            cooperatives = list(
                Cooperative.objects.filter(status=Cooperative.Status.ACTIVE).order_by("code")
            )
        fmt = options["format"]
        interactive = fmt == "text" or (fmt == "auto" and self.stdout.isatty())
        steps_per_day = max(len(ordered_steps()), 1)
        total_days = sum(
            max(((until or c.business_date) - c.business_date).days + 1, 0) for c in cooperatives
        )
        done = [0]

        def progress(cooperative: Cooperative, day: dt.date, step: str) -> None:
            done[0] += 1
            fraction = min(done[0] / max(total_days * steps_per_day, 1), 1.0)
            bar = "#" * int(fraction * 30)
            sys.stdout.write(
                f"\r[{bar:<30}] {fraction:4.0%} {cooperative.code} {day} {step[:30]:<30}"
            )
            sys.stdout.flush()

        results = eod_run(
            cooperatives=cooperatives,
            until=until,
            acting_user=None,
            on_step=progress if interactive else None,
        )
        failed = [r for r in results if r.error]
        if interactive:
            sys.stdout.write("\n")
            for r in results:
                status = r.error["message"] if r.error else self.say("selesai", "done")
                self.stdout.write(
                    f"{r.cooperative}: {len(r.dates)} {self.say('hari', 'days')}, "
                    f"{r.steps_run} {self.say('langkah dijalankan', 'steps run')}, "
                    f"{r.steps_skipped} {self.say('sudah selesai', 'already done')} - {status}"
                )
        else:
            self.stdout.write(json.dumps({
                "ok": not failed,
                "cooperatives": [r.__dict__ for r in results],
            }, default=str))
        if failed:
            sys.exit(1)
