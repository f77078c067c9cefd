"""lumbung verify [--cooperative CODE] [--format text|json]: exit 0 only when the books hold."""

from __future__ import annotations

import json
import sys
from typing import Any

from lumbung.core.cli import LumbungCommand, cooperative_by_code
from lumbung.ledger.verify import verify_cooperative
from lumbung.tenancy.models import Cooperative


class Command(LumbungCommand):
    help = "Periksa keutuhan buku besar: keseimbangan, nomor, rantai hash, saldo, checkpoint."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperative", help="kode koperasi (default: semua)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cooperative"]:
            cooperatives = [cooperative_by_code(options["cooperative"])]
        else:
            cooperatives = list(Cooperative.objects.order_by("code"))
        reports = [verify_cooperative(c) for c in cooperatives]
        if options["format"] == "json":
            self.stdout.write(json.dumps({"ok": all(r.ok for r in reports),
                                          "cooperatives": [r.as_dict() for r in reports]}))
        else:
            for report in reports:
                status = self.say("UTUH", "OK") if report.ok else self.say("RUSAK", "BROKEN")
                self.stdout.write(
                    f"{report.cooperative}: {status} - {report.entries} "
                    f"{self.say('jurnal', 'entries')}, {report.lines} "
                    f"{self.say('baris', 'lines')}, {report.checkpoints} checkpoint"
                )
                if not report.ok:
                    first = report.first_broken_entry()
                    if first is not None:
                        self.stdout.write(
                            f"  {self.say('jurnal rusak pertama', 'first broken entry')}: #{first}"
                        )
                    for breach in report.breaches[:20]:
                        self.stdout.write(f"  [{breach.check}] {breach.detail}")
            broken = sum(not r.ok for r in reports)
            self.stdout.write(
                self.say(f"{len(reports)} koperasi diperiksa, {broken} bermasalah.",
                         f"{len(reports)} cooperatives checked, {broken} with problems.")
            )
        if not all(r.ok for r in reports):
            sys.exit(1)
