"""The console in English once chosen (screens, charts, PDFs, the health CLI); Indonesian by
default; stored warning reasons stay in the office's language."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

import lumbung.supervision
from lumbung.supervision.health import rating_save
from lumbung.supervision.models import PeriodFigures
from lumbung.supervision.registry import registry_entry_save
from tests.web.conftest import client_for

LOCALE = Path(lumbung.supervision.__file__).parent / "locale" / "en" / "LC_MESSAGES"
OCT = dt.date(2026, 10, 31)


@pytest.fixture
def reported(dinas):
    entry = registry_entry_save(office=dinas.office, entry=None, raw={
        "code": "ksp-1", "name": "KSP Satu", "kind": "KSP", "kecamatan": "Barat"},
        acting_user=dinas.analyst)
    PeriodFigures.objects.create(office=dinas.office, entry=entry, period=OCT, as_of=OCT,
                                 source="unggah", total_assets=1_000_000_00,
                                 loans_outstanding=500_000_00, member_savings=600_000_00,
                                 equity=300_000_00, total_liabilities=700_000_00,
                                 members_male=3, members_female=4)
    return entry


def _english(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def pdf_html(monkeypatch):
    """The PDFs' HTML instead of the PDF (the words are what is tested here)."""
    from django.template.loader import render_to_string

    import lumbung.core.documents

    monkeypatch.setattr(lumbung.core.documents, "pdf_from_template",
                        lambda template, context: render_to_string(template, context).encode())


def test_the_catalogue_is_complete_and_compiled():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    blocks = po.split("\n\n")[1:]
    untranslated = [block for block in blocks
                    if 'msgstr ""' in block and "\nmsgstr \"\"\n\"" not in block
                    and "msgstr[" not in block]
    assert untranslated == []
    assert "#, fuzzy" not in po
    assert (LOCALE / "django.mo").stat().st_mtime >= (LOCALE / "django.po").stat().st_mtime - 5


def test_the_dashboard_and_its_charts_in_english(dinas, reported):
    html = _english(dinas.analyst).get("/dinas/kota-pekalongan/").content.decode()
    assert "Cooperative sector consolidation" in html
    assert "Assets by cooperative type" in html and "Members by gender" in html
    assert "Konsolidasi sektor koperasi" not in html
    indonesian = client_for(dinas.analyst).get("/dinas/kota-pekalongan/").content.decode()
    assert "Konsolidasi sektor koperasi" in indonesian and "Aset per jenis koperasi" in indonesian


def test_the_pdfs_in_english(dinas, reported, pdf_html):
    client = _english(dinas.analyst)
    briefing = client.get("/dinas/kota-pekalongan/briefing.pdf").content.decode()
    assert "Cooperative sector briefing" in briefing and '"Page " counter(page)' in briefing
    assert "Assets by cooperative type" in briefing and "Briefing sektor" not in briefing
    saved = rating_save(entry=reported, period=OCT, ruleset_name=None, checklist={},
                        acting_user=dinas.analyst)
    report = client.get(f"/dinas/kota-pekalongan/kesehatan/{saved.pk}.pdf").content.decode()
    assert "Cooperative Health Rating Report" in report
    assert "Not confirmed from the regulation" in report and "UNCONFIRMED" in report
    indonesian = client_for(dinas.analyst).get(
        f"/dinas/kota-pekalongan/kesehatan/{saved.pk}.pdf").content.decode()
    assert "Laporan Penilaian Kesehatan Koperasi" in indonesian
    assert "Belum terkonfirmasi dari naskah peraturan" in indonesian


def test_the_health_cli_speaks_english(tmp_path):
    figures = tmp_path / "f.json"
    figures.write_text(json.dumps({"total_assets": "x"}))
    out = io.StringIO()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must be an integer"):
        call_command("health", "--figures", str(figures), "--lang", "en", stdout=out)
    with pytest.raises(CommandError, match="harus bilangan bulat"):
        call_command("health", "--figures", str(figures), stdout=out)
    assert translation.get_language() in {"id", settings.LANGUAGE_CODE}


def test_warning_reasons_are_stored_in_indonesian_whoever_refreshes(dinas):
    from lumbung.batch.services import eod_run
    from lumbung.supervision.models import Alert, ReceivedCheckpoint
    from lumbung.supervision.registry import registry_entry_for_cooperative
    from lumbung.supervision.warnings import alerts_refresh
    from tests.conftest import BUSINESS_DATE
    from tests.ledger.helpers import post

    coop = dinas.city.coop_a
    registry_entry_for_cooperative(cooperative=coop, acting_user=None)
    post(coop, [("1101", 1_000_00, 0), ("3103", 0, 1_000_00)])
    eod_run(cooperatives=[coop], until=BUSINESS_DATE + dt.timedelta(days=3), acting_user=None)
    first = ReceivedCheckpoint.objects.filter(cooperative=coop).order_by("date").first()
    ReceivedCheckpoint.objects.filter(pk=first.pk).update(chain_head="0" * 64)
    with translation.override("en"):
        alerts_refresh(office=dinas.office, today=dt.date(2026, 11, 23),
                       acting_user=dinas.analyst)
        # The detail page's own summary follows the reader's language.
        html = _english(dinas.analyst).get("/dinas/kota-pekalongan/register/ksp-a/")
        assert "the chain head differs from the books" in html.content.decode()
    assert "kepala rantai berbeda" in Alert.objects.get(rule="checkpoint_broken").reason
