"""The Dinas console in the system Chromium, on a laptop and on a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.supervision.models import PeriodFigures
from lumbung.supervision.registry import registry_entry_for_cooperative, registry_entry_save
from lumbung.supervision.rollout import rollout_step_record
from tests.web.conftest import (  # noqa: F401 - fixtures
    _ledger_rules_present_at_the_end,
    ledger_flush_allowed,
)
from tests.web.test_browser import VIEWPORTS, _fits_the_screen, _log_in, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_analyst_walks_the_console(live_server, ledger_flush_allowed, dinas, browser,  # noqa: F811
                                       viewport):
    base = live_server.url
    entry = registry_entry_save(office=dinas.office, entry=None, raw={
        "code": "ksp-mawar", "name": "KSP Mawar", "kind": "KSP", "kecamatan": "Pekalongan Barat",
        "members_female": "12"}, acting_user=dinas.analyst)
    registry_entry_for_cooperative(cooperative=dinas.city.coop_a, acting_user=None)
    PeriodFigures.objects.create(office=dinas.office, entry=entry, period=dt.date(2026, 10, 31),
                                 as_of=dt.date(2026, 10, 31), source="unggah",
                                 total_assets=250_000_000_00, member_savings=100_000_000_00,
                                 loans_outstanding=150_000_000_00, members_female=12)
    rollout_step_record(entry=entry, stage="sosialisasi", date=dt.date(2026, 3, 1), note="",
                        acting_user=dinas.analyst)
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="id-ID")
    page = context.new_page()
    _log_in(page, base, "analis-a")
    page.click("a:has-text('Buka konsol Dinas')")
    page.wait_for_load_state()
    assert page.url == f"{base}/dinas/kota-pekalongan/"
    main = page.inner_text("main")
    assert "Rp250.000.000" in main and "1 dari 2 koperasi" in main
    assert page.locator("svg").count() >= 3
    _fits_the_screen(page)
    page.click("a:has-text('Pekalongan Barat')")
    page.wait_for_load_state()
    page.click("a:has-text('KSP Mawar')")
    page.wait_for_load_state()
    assert page.url == f"{base}/dinas/kota-pekalongan/register/ksp-mawar/"
    assert "12 perempuan" in page.inner_text("main")
    _fits_the_screen(page)
    for path in ("register/", "program/", "laporan/", "kesehatan/", "peringatan/"):
        page.goto(f"{base}/dinas/kota-pekalongan/{path}")
        assert page.locator("h1").count() == 1
        _fits_the_screen(page)
    page.click("button:has-text('Keluar')")
    page.wait_for_load_state()
    _log_in(page, base, "analis-b")
    response = page.goto(f"{base}/dinas/kota-pekalongan/")
    assert response is not None and response.status == 404
    response = page.goto(f"{base}/k/ksp-a/jurnal/")
    assert response is not None and response.status == 404
    context.close()
