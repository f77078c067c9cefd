"""lumbung ppob-settle [--date D]: status check of bill payments still in process, then (with
--reconcile) the day's reconciliation against the aggregator's settlement file. JSON on stdout;
exits 1 when a difference is found."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lumbung.core.dates import as_date
from lumbung.portal.ppob import bills_settle_pending, settlement_reconcile
from lumbung.tenancy.models import Cooperative


class Command(BaseCommand):
    help = "Cek status pembayaran PPOB yang masih diproses dan rekonsiliasi harian."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperative", help="kode koperasi (semua bila kosong)")
        parser.add_argument("--reconcile", action="store_true")
        parser.add_argument("--date", help="tanggal rekonsiliasi (TTTT-BB-HH)")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperatives = Cooperative.objects.order_by("code")
        if options["cooperative"]:
            cooperatives = cooperatives.filter(code=options["cooperative"])
        report, differences = [], 0
        for cooperative in cooperatives:
            row: dict[str, Any] = {"cooperative": cooperative.code,
                                   "settled": bills_settle_pending(cooperative=cooperative)}
            if options["reconcile"]:
                day = as_date(options["date"]) if options["date"] else cooperative.business_date
                check = settlement_reconcile(cooperative=cooperative, date=day)
                row.update(date=day.isoformat(), matched=check.matched,
                           differences=check.differences)
                differences += len(check.differences)
            report.append(row)
        self.stdout.write(json.dumps(report, indent=2))
        if differences:
            raise CommandError(f"{differences} selisih rekonsiliasi PPOB")
