"""The Dinas console over a large sector: 300 cooperatives with 36 monthly periods each.

Builds (in a fresh database) one office with 300 registry entries and 10,800 period figures
(through the console's own services), then measures, server-side, the consolidated dashboard
(GET /dinas/<office>/ through Django's test client: selectors, charts and template) and rating
all 300 cooperatives for the latest period (health.office_ratings). Each: the first call, then
the median and worst of `--repeat` further calls, and the statements per call. The URLconf is
loaded before the first call, as a server does at start-up.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import secrets
import statistics
import time
from typing import Any

import bench

NAME = "dinas"
COOPERATIVES = 300
PERIODS = 36


def _build() -> Any:
    from openpyxl import Workbook

    from lumbung.demo.supervision import _shape, _statement
    from lumbung.supervision.figures import figures_record_many, month_end
    from lumbung.supervision.models import RegistryEntry
    from lumbung.supervision.registry import COLUMNS, registry_import
    from lumbung.tenancy.models import OfficeRole
    from lumbung.tenancy.services import office_register, office_staff_assign, user_create

    rng = random.Random(2026)
    office = office_register(code="bench-dinas", name="Dinas Koperasi Kota Tolok Ukur",
                             jurisdiction="Kota Tolok Ukur", province="Jawa Tengah",
                             acting_user=None)
    analyst = user_create(username="bench-analis", password=secrets.token_urlsafe(16))
    office_staff_assign(office=office, user=analyst, role=OfficeRole.ANALYST, acting_user=None)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([column.header for column in COLUMNS])
    for n in range(1, COOPERATIVES + 1):
        values = {"code": f"kop-{n:03d}", "name": f"KSP Tolok Ukur {n:03d}",
                  "kind": rng.choice(["KSP", "KSPPS", "BMT"]),
                  "kecamatan": f"Kecamatan {n % 7}", "kelurahan": f"Kelurahan {n % 40}",
                  "region_label": ["Timur", "Barat", "Utara", "Selatan"][n % 4],
                  "members_male": rng.randint(10, 900), "members_female": rng.randint(10, 900)}
        sheet.append([values.get(column.name) for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    registry_import(office=office, content=buffer.getvalue(), acting_user=None)
    end = month_end(bench.BUSINESS_DATE.replace(day=1) - dt.timedelta(days=1))
    periods = [end]
    while len(periods) < PERIODS:
        periods.append(month_end(periods[-1].replace(day=1) - dt.timedelta(days=1)))
    periods.reverse()
    rows = []
    for entry in RegistryEntry.objects.filter(office=office):
        shape = _shape(rng, rng.choices(["healthy", "weak", "sick"], weights=[68, 22, 10])[0])
        assets = rng.randint(150, 25_000) * 100_000_000
        for period in periods:
            assets = int(assets * rng.uniform(1.0, 1.02))
            rows.append((entry, period, _statement(assets, shape, period.month - 1)))
    figures_record_many(office=office, rows=rows, source="unggah", acting_user=None)
    return office, analyst, end


def _measure(function: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        function()
        timings.append(1000 * (time.perf_counter() - start))
    with CaptureQueriesContext(connection) as captured:
        function()
    return {"first_ms": round(timings[0], 1), "median_ms": round(statistics.median(timings[1:]), 1),
            "max_ms": round(max(timings[1:]), 1), "queries": len(captured.captured_queries)}


def main() -> None:
    parser = bench.measurement_args(__doc__ or "")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bench.django_setup(bench.fresh_database(args.db, NAME))
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from lumbung.supervision.health import office_ratings

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    office, analyst, period = _build()
    build_s = round(time.perf_counter() - started, 1)
    client = Client()
    client.force_login(analyst)
    # A server loads its URLconf (and with it the API's schemas) once at start-up; "first" is
    # the dashboard's own cold call, not that import.
    url = reverse("dinas_dashboard", args=[office.code])

    def dashboard() -> None:
        response = client.get(url)
        assert response.status_code == 200 and b"<svg" in response.content

    def rate_all() -> None:
        rows = office_ratings(office, period)
        assert len(rows) == COOPERATIVES

    result = {"measurement": "dinas", "cooperatives": COOPERATIVES, "periods": PERIODS,
              "build_s": build_s, "dashboard": _measure(dashboard, args.repeat),
              "rate_all": _measure(rate_all, args.repeat)}
    connection.close()
    bench.report(args, result)


if __name__ == "__main__":
    main()
