"""lumbung export-journal --cooperative CODE --format hledger|beancount [--output FILE]"""

from __future__ import annotations

from typing import Any

from lumbung.core.cli import LumbungCommand, cooperative_by_code
from lumbung.ledger.export import export_journal


class Command(LumbungCommand):
    help = "Ekspor seluruh jurnal koperasi untuk hledger atau beancount."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperative", required=True)
        parser.add_argument("--format", choices=["hledger", "beancount"], required=True)
        parser.add_argument("--output", help="berkas tujuan (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_by_code(options["cooperative"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                count = export_journal(cooperative, handle, options["format"])
            self.stderr.write(self.say(f"{count} jurnal ditulis ke {options['output']}",
                                       f"{count} entries written to {options['output']}"))
        else:
            export_journal(cooperative, self.stdout, options["format"])
