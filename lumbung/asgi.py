"""What `lumbung serve` (uvicorn) runs.

Pages and API calls are ordinary synchronous Django: they run as WSGI on a fixed pool of
threads (WEB_THREADS per worker process), each keeping its database connection between
requests. Django's own ASGI handler would start a thread and open a connection for every
request and hop between threads at each middleware, which cost more than the request itself.
Only the member's live feed (long-lived server-sent events) goes to Django's ASGI handler, so a
hundred open streams hold no thread and no connection (portal.feed reads for all of them).
"""

from __future__ import annotations

import os
import re
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

STREAMS = re.compile(r"^/m/[-\w]+/umpan/$")

streams = get_asgi_application()
pages = WSGIMiddleware(get_wsgi_application(), workers=settings.WEB_THREADS)  # type: ignore[arg-type]


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and not STREAMS.match(scope["path"]):
        await pages(scope, receive, send)  # type: ignore[arg-type]
    else:
        await streams(scope, receive, send)
