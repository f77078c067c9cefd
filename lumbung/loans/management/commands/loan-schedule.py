"""lumbung loan-schedule --principal RUPIAH --annual-rate PERCENT --months N
--method flat|declining|annuity --start DATE [--grace N] [--rounding SEN] --format json|table"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from lumbung.core.cli import LumbungCommand, parse_date
from lumbung.core.errors import LumbungError
from lumbung.core.money import SEN_PER_RUPIAH, format_rupiah
from lumbung.loans.calculations import Method, schedule, total_interest


def _decimal(value: str, what: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise LumbungError("BAD_INPUT", detail=f"{what}: {value}") from exc
    if not number.is_finite():
        raise LumbungError("BAD_INPUT", detail=f"{what}: {value}")
    return number


class Command(LumbungCommand):
    help = "Jadwal angsuran pinjaman (jumlah dalam sen pada format json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--principal", required=True, help="pokok pinjaman dalam Rupiah")
        parser.add_argument("--annual-rate", required=True, help="bunga per tahun, persen")
        parser.add_argument("--months", required=True, type=int, help="jangka waktu (bulan)")
        parser.add_argument("--method", required=True, choices=[m.value for m in Method])
        parser.add_argument("--start", required=True, help="tanggal pencairan TTTT-BB-HH")
        parser.add_argument("--grace", type=int, default=0, help="masa tenggang (bulan)")
        parser.add_argument("--rounding", type=int, default=SEN_PER_RUPIAH,
                            help="pembulatan angsuran dalam sen (100 = Rupiah penuh)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        principal_rupiah = _decimal(options["principal"], "--principal")
        principal = principal_rupiah * SEN_PER_RUPIAH
        if principal != principal.to_integral_value() or principal <= 0:
            raise LumbungError("BAD_AMOUNT", value=options["principal"])
        rate = _decimal(options["annual_rate"], "--annual-rate")
        try:
            rows = schedule(
                principal=int(principal), annual_rate=rate, months=options["months"],
                method=options["method"], start=parse_date(options["start"]),
                grace_months=options["grace"], rounding_unit=options["rounding"],
            )
        except ValueError as exc:
            raise LumbungError("BAD_INPUT", detail=str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps({
                "instalments": [row.as_dict() for row in rows],
                "total_interest": total_interest(rows),
            }))
            return
        names = self.say("Ke|Jatuh tempo|Pokok|Bunga|Angsuran|Sisa pokok",
                         "No|Due date|Principal|Interest|Instalment|Balance").split("|")
        self.stdout.write(f"{names[0]:>3} {names[1]:<10} {names[2]:>18} {names[3]:>16} "
                          f"{names[4]:>18} {names[5]:>18}")
        for row in rows:
            self.stdout.write(
                f"{row.n:>3} {row.due_date.isoformat()} "
                f"{format_rupiah(row.principal):>18} {format_rupiah(row.interest):>16} "
                f"{format_rupiah(row.total):>18} {format_rupiah(row.balance_after):>18}"
            )
        self.stdout.write(self.say("Total bunga: ", "Total interest: ")
                          + format_rupiah(total_interest(rows)))
