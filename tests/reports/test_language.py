"""The reports in English: every layout label is translatable, screens, CLI and PDF follow."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lumbung.reports.layout_labels import LABELS
from lumbung.reports.statements import build

D = dt.date
RULES = Path(__file__).resolve().parents[2] / "lumbung" / "reports" / "rules"


def _labels(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {str(v) for k, v in node.items() if k in ("label", "heading")}
        return found.union(*(_labels(v) for k, v in node.items() if k not in ("label", "heading")))
    if isinstance(node, list):
        return set().union(*(_labels(item) for item in node))
    return set()


def test_every_layout_label_is_listed_for_translation():
    for path in sorted(RULES.glob("layout_*.yaml")):
        missing = _labels(yaml.safe_load(path.read_text(encoding="utf-8"))) - set(LABELS)
        assert not missing, (path.name, missing)


def test_each_listed_label_has_its_english():
    with translation.override("en"):
        untranslated = [label for label in LABELS
                        if translation.gettext(label) == label and label != "SHU"]
    assert not untranslated


def test_statements_read_in_english_on_screen_and_from_the_cli(books, city):
    client = Client()
    client.force_login(city.accountant_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/k/ksp-a/laporan/?laporan=balance-sheet&sampai=2026-11-20")
    text = page.content.decode()
    assert "TOTAL LIABILITIES AND EQUITY" in text and "Assets = liabilities + equity" in text
    assert "JUMLAH ASET" not in text
    out = io.StringIO()
    call_command("report", "surplus-statement", "--cooperative", "ksp-a", "--lang", "en",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["title"] == "Surplus Statement"
    assert "SHU AFTER TAX" in [line["label"] for line in data["lines"]]
    # Indonesian stays the default.
    assert build("balance-sheet", cooperative=books, start=D(2026, 1, 1),
                 end=D(2026, 11, 20)).title == "Laporan Posisi Keuangan (Neraca)"
