"""lumbung report NAME --cooperative CODE [--from D] [--to D] [--format ...] [--output FILE]

NAME: balance-sheet, surplus-statement, equity-changes, cash-flow, general-ledger, trial-balance,
member-promotion. Without --from the period starts on 1 January of --to's year; --to defaults
to the business date. `trial-balance --as-of D` (or trial-balance without --from) keeps the
ledger's simple as-of trial balance (json, csv, text) that scripts already read.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

from lumbung.core.cli import LumbungCommand, cooperative_by_code, parse_date
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.core.spreadsheet import safe_cell
from lumbung.ledger.selectors import trial_balance
from lumbung.reports import exports
from lumbung.reports.statements import REPORTS, build


class Command(LumbungCommand):
    help = "Laporan keuangan koperasi (neraca, PHU, perubahan ekuitas, arus kas, buku besar, ...)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("report", choices=sorted(REPORTS))
        parser.add_argument("--cooperative", required=True)
        parser.add_argument("--from", dest="start", help="TTTT-BB-HH (default: 1 Januari)")
        parser.add_argument("--to", dest="end", help="TTTT-BB-HH (default: tanggal usaha)")
        parser.add_argument("--as-of", help="trial-balance saja: neraca saldo per tanggal")
        parser.add_argument("--account", help="general-ledger saja: satu kode akun")
        parser.add_argument("--format", choices=exports.FORMATS, default="text")
        parser.add_argument("--output", help="berkas tujuan (default: layar)")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_by_code(options["cooperative"])
        name = options["report"]
        if name == "trial-balance" and (options["as_of"] or not options["start"]):
            self._as_of_trial_balance(cooperative, options)
            return
        end = parse_date(options["end"]) if options["end"] else cooperative.business_date
        start = parse_date(options["start"]) if options["start"] else end.replace(month=1, day=1)
        if start > end:
            raise LumbungError("REPORT_BAD_PERIOD", start=start, end=end)
        extra = {"account": options["account"]} if name == "general-ledger" else {}
        statement = build(name, cooperative=cooperative, start=start, end=end, **extra)
        content = exports.render(statement, options["format"])
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(content)
        elif options["format"] in ("pdf", "xlsx"):
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

    def _as_of_trial_balance(self, cooperative: Any, options: dict[str, Any]) -> None:
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
        elif options["format"] == "text":
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
        else:
            raise LumbungError("REPORT_FORMAT_NEEDS_PERIOD", format=options["format"])
