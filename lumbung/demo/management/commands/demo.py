"""lumbung demo [--cooperatives N] [--months M] [--seed S] [--today D] [--if-empty]"""

from __future__ import annotations

from typing import Any

from lumbung.core.cli import LumbungCommand, parse_date
from lumbung.demo.services import DEMO_PASSWORD, HISTORY_MONTHS, demo_build
from lumbung.tenancy.models import SupervisorOffice


class Command(LumbungCommand):
    help = "Bangun kota demo (Kota Pekalongan) lewat layanan aplikasi; deterministik per seed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cooperatives", type=int, default=5)
        parser.add_argument("--months", type=int, default=HISTORY_MONTHS,
                            help="bulan riwayat tiap koperasi (default 12)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", help="tanggal usaha terakhir (default: hari ini)")
        parser.add_argument("--if-empty", action="store_true",
                            help="lewati bila basis data sudah berisi")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and SupervisorOffice.objects.exists():
            self.stdout.write(self.say("Basis data sudah berisi; demo tidak dibuat ulang.",
                                       "Database not empty; demo left as it is."))
            return
        logins = demo_build(
            cooperatives=options["cooperatives"],
            seed=options["seed"],
            today=parse_date(options["today"]) if options["today"] else None,
            months=options["months"],
            progress=lambda name: self.stdout.write(
                self.say(f"  membangun riwayat {options['months']} bulan: {name}",
                         f"  building {options['months']} months of history: {name}")),
        )
        self.stdout.write(self.say("Kota demo siap. Akun demo (kata sandi sama untuk semua):",
                                   "Demo city ready. Demo logins (same password for all):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<22} {login.role:<18} {login.where}")
        self.stdout.write(f"  {self.say('kata sandi', 'password')}: {DEMO_PASSWORD}")
