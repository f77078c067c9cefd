"""lumbung notify [--loop]: queue and send members' notifications (SMS, WhatsApp, e-mail)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand

from lumbung.portal.notifications import notifications_deliver, notifications_queue
from lumbung.tenancy.models import Cooperative


class Command(BaseCommand):
    help = "Kirim pemberitahuan transaksi kepada anggota lewat gateway pesan."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="terus berjalan (tiap 2 detik)")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            queued = sum(notifications_queue(cooperative=c) for c in Cooperative.objects.all())
            sent = notifications_deliver()
            if not options["loop"]:
                self.stdout.write(json.dumps({"queued": queued, **sent}))
                return
            time.sleep(2)
