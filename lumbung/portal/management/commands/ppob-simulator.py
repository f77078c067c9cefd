"""lumbung ppob-simulator [--port 8091]: the bill aggregator simulator (development only)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lumbung.portal import simulator


class Command(BaseCommand):
    help = "Jalankan simulator agregator PPOB (untuk pengembangan dan demo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8091)

    def handle(self, *args: Any, **options: Any) -> None:
        server, _ = simulator.serve(options["host"], options["port"], settings.LUMBUNG_BILLER_KEY)
        self.stdout.write(f"Simulator PPOB di http://{options['host']}:{server.server_address[1]}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.shutdown()
