"""lumbung report trial-balance --cooperative CODE --as-of DATE --format json|csv|text"""

from __future__ import annotations

import csv
import json
from typing import Any

from lumbung.core.cli import LumbungCommand, cooperative_by_code, parse_date
from lumbung.core.money import format_rupiah
from lumbung.core.spreadsheet import safe_cell
from lumbung.ledger.selectors import trial_balance


class Command(LumbungCommand):
    help = "Laporan buku besar. Saat ini: trial-balance (neraca saldo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("report", choices=["trial-balance"])
        parser.add_argument("--cooperative", required=True)
        parser.add_argument("--as-of", help="TTTT-BB-HH (default: tanggal usaha)")
        parser.add_argument("--format", choices=["json", "csv", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_by_code(options["cooperative"])
        as_of = parse_date(options["as_of"]) if options["as_of"] else cooperative.business_date
        balance = trial_balance(cooperative=cooperative, as_of=as_of)
        if options["format"] == "json":
            self.stdout.write(json.dumps(balance.as_dict()))
        elif options["format"] == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["account", "name", "debit", "credit"])
            for line in balance.lines:
                writer.writerow([safe_cell(line.account), safe_cell(line.name), line.debit,
                                 line.credit])
            writer.writerow(["", "TOTAL", balance.total_debit, balance.total_credit])
        else:
            title = self.say("NERACA SALDO", "TRIAL BALANCE")
            self.stdout.write(f"{title} {cooperative.name} - {as_of.isoformat()}")
            header = self.say("Akun", "Account")
            credit = self.say("Kredit", "Credit")
            self.stdout.write(f"{header:<8} {'':<44} {'Debit':>22} {credit:>22}")
            for line in balance.lines:
                self.stdout.write(
                    f"{line.account:<8} {line.name[:44]:<44} "
                    f"{format_rupiah(line.debit) if line.debit else '':>22} "
                    f"{format_rupiah(line.credit) if line.credit else '':>22}"
                )
            self.stdout.write(
                f"{'':<8} {'TOTAL':<44} {format_rupiah(balance.total_debit):>22} "
                f"{format_rupiah(balance.total_credit):>22}"
            )
