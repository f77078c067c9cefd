"""lumbung serve [--host H] [--port P] [--workers N]: the ASGI server with sensible defaults."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Jalankan server web (uvicorn, ASGI)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        uvicorn.run(
            "lumbung.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level="warning",
            # Forwarded headers are judged by Lumbung itself (TRUSTED_PROXY_COUNT), never here.
            proxy_headers=False,
        )
