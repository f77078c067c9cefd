"""Health rating: every indicator at its band edges (regulations.md §1 as the oracle), a
hand-worked example per rule set, the CLI, the screens and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lumbung.supervision import calculations
from lumbung.supervision.health import office_ratings, rating_save
from lumbung.supervision.models import HealthRating, PeriodFigures
from lumbung.supervision.registry import registry_entry_save
from lumbung.supervision.rules import ruleset, rulesets
from tests.web.conftest import client_for

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "health-figures.json"


def _indicator(name: str, code: str) -> dict:
    for aspect in ruleset(name)["aspects"]:
        for indicator in aspect["indicators"]:
            if indicator["code"] == code:
                return indicator
    raise KeyError(code)


# (rule set, indicator, value %, expected score): the edges of regulations.md §1.1.3 / §1.2.
EDGES = [
    ("kkpkk-2021-ksp", "roa", [("7", 4), ("6.99", 3), ("5", 3), ("4.99", 2), ("3", 2), ("2.99", 1)]),
    ("kkpkk-2021-ksp", "roe", [("10", 4), ("9.99", 3), ("7", 3), ("6.99", 2), ("5", 2), ("4.99", 1)]),
    ("kkpkk-2021-ksp", "kemandirian", [("120", 4), ("119.99", 3), ("110", 3), ("100", 2),
                                       ("99.99", 1)]),
    ("kkpkk-2021-ksp", "bopo", [("0.01", 4), ("79.99", 4), ("80", 3), ("89.99", 3), ("90", 2),
                                ("99.99", 2), ("100", 1), ("0", 1)]),
    ("kkpkk-2021-ksp", "biaya_usaha_shu_kotor", [("39.99", 4), ("40", 3), ("59.99", 3),
                                                 ("60", 2), ("79.99", 2), ("80", 1)]),
    ("kkpkk-2021-ksp", "npm", [("15", 4), ("14.99", 3), ("10", 3), ("9.99", 2), ("5", 2),
                               ("4.99", 1)]),
    ("kkpkk-2021-ksp", "npl", [("0", 4), ("5", 4), ("5.01", 3), ("10", 3), ("10.01", 2),
                               ("15", 2), ("15.01", 1)]),
    ("kkpkk-2021-ksp", "aset_likuid_aset", [("15.01", 4), ("15", 3), ("10.01", 3), ("10", 2),
                                            ("5.01", 2), ("5", 1)]),
    ("kkpkk-2021-ksp", "aset_likuid_kewajiban", [("21.01", 4), ("21", 3), ("14.01", 3),
                                                 ("14", 2), ("7.01", 2), ("7", 1)]),
    ("kkpkk-2021-ksp", "kas_bank_kewajiban", [("20", 4), ("19.99", 3), ("15", 3), ("10", 2),
                                              ("9.99", 1)]),
    ("kkpkk-2021-ksp", "piutang_dana", [("90", 4), ("89.99", 3), ("75", 3), ("60", 2),
                                        ("59.99", 1)]),
    ("kkpkk-2021-ksp", "aset_lancar", [("125", 4), ("124.99", 3), ("100", 3), ("75", 2),
                                       ("74.99", 1)]),
    ("kkpkk-2021-ksp", "pertumbuhan_aset", [("10", 4), ("9.99", 3), ("7", 3), ("4", 2),
                                            ("3.99", 1)]),
    ("kkpkk-2021-ksp", "pertumbuhan_ekuitas", [("10", 4), ("7", 3), ("6.99", 2), ("4", 2),
                                               ("3.99", 1)]),
    ("kkpkk-2021-ksp", "pertumbuhan_shu", [("5", 4), ("4.99", 3), ("3", 3), ("1", 2),
                                           ("0.99", 1)]),
    ("kkpkk-2021-ksp", "pendapatan_utama", [("85", 4), ("84.99", 3), ("60", 3), ("35", 2),
                                            ("34.99", 1)]),
    ("kkpkk-2021-ksp", "shu_simpanan", [("30", 4), ("29.99", 3), ("20", 3), ("10", 2),
                                        ("9.99", 1)]),
    ("kkpkk-2021-ksp", "biaya_pembinaan", [("5", 4), ("4.99", 3), ("3", 3), ("1", 2),
                                           ("0.99", 1)]),
    ("kkpkk-2021-ksp", "ekuitas_aset", [("30", 4), ("29.99", 3), ("20", 3), ("10", 2),
                                        ("9.99", 1)]),
    ("kkpkk-2021-ksp", "modal_pinjaman_anggota", [("30", 4), ("29.99", 3), ("20", 3),
                                                  ("10", 2), ("9.99", 1)]),
    # Checklist: X > 75 -> 4, > 50 -> 3, > 25 -> 2, else 1 (§1.1.2 boundary note).
    ("kkpkk-2021-ksp", "prinsip_koperasi", [("100", 4), ("75.01", 4), ("75", 3), ("50.01", 3),
                                            ("50", 2), ("25.01", 2), ("25", 1), ("0", 1)]),
    ("perdep-06-2016-ksp", "risiko_pinjaman", [("0", 100), ("0.01", 80), ("10", 80),
                                               ("10.01", 60), ("20", 60), ("30", 40),
                                               ("40", 20), ("45", 10), ("45.01", 0)]),
    ("perdep-06-2016-ksp", "cadangan_risiko", [("0", 0), ("9.99", 0), ("10", 10),
                                               ("76.6", 70), ("100", 100), ("250", 100)]),
    ("perdep-06-2016-ksp", "ms_pinjaman", [("48.61", 40), ("99.99", 90), ("130", 100)]),
    ("perdep-07-2016-kspps", "ms_aset", [("10", 25), ("10.01", 50), ("15", 50), ("15.01", 75),
                                         ("20", 75), ("20.01", 100)]),
]


@pytest.mark.parametrize(("name", "code", "edges"), EDGES,
                         ids=[f"{n}:{c}" for n, c, _ in EDGES])
def test_each_indicator_at_its_band_edges(name, code, edges):
    bands = _indicator(name, code)["bands"]
    assert [(value, calculations.band_score(bands, Decimal(value))) for value, _ in edges] == [
        (value, Decimal(score)) for value, score in edges]


@pytest.mark.parametrize(("score", "category"), [
    ("100", "Sehat"), ("80", "Sehat"), ("79.99", "Cukup Sehat"), ("66", "Cukup Sehat"),
    ("65.99", "Dalam Pengawasan"), ("51", "Dalam Pengawasan"),
    ("50.99", "Dalam Pengawasan Khusus"), ("0", "Dalam Pengawasan Khusus")])
def test_categories_at_their_edges(score, category):
    for rules in rulesets().values():
        assert calculations.category_for(rules["categories"], Decimal(score)) == category


def test_every_rule_set_tags_every_number():
    for rules in rulesets().values():
        assert rules["version"] and rules["source"] and rules["confidence"]
        for aspect in rules["aspects"]:
            for indicator in aspect["indicators"]:
                assert indicator.get("confidence") and indicator.get("source"), indicator["code"]
                assert "ratio" in indicator or "items" in indicator
                if "ratio" in indicator:
                    assert indicator["ratio"] in calculations.RATIO_LABELS


def _example():
    data = json.loads(EXAMPLE.read_text())
    previous, checklist = data.pop("previous"), data.pop("checklist")
    for key in ("kind", "name", "period"):
        data.pop(key)
    return data, previous, checklist


def test_hand_worked_kkpkk_2021():
    figures, previous, checklist = _example()
    rating = calculations.rate(ruleset("kkpkk-2021-ksp"), figures, previous, checklist)
    aspects = {a.code: a.score_percent for a in rating.aspects}
    # Tata kelola: 6/7 = 85,71 %, 4/5 = 80 %, 4/5 = 80 %: all above 75 -> 4, 4, 4 -> 100.
    # Profil risiko: liquid/assets 90/1000 = 9 % -> 2; liquid/current liab. 90/450 = 20 % -> 3;
    #   operational 3/4 = 75 % -> 3; KPMR 2/3 = 66,67 % -> 3: 11/16 = 68,75.
    # Kinerja: ROA 60/1000 = 6 % -> 3, loans/funds 720/1000 = 72 % -> 2, the 14 others -> 4:
    #   61/64 = 95,3125 -> 95,31.  Permodalan: 35 % -> 4, 55 % -> 4, 3/3 -> 4: 100.
    assert aspects == {"tata_kelola": Decimal("100.00"), "profil_risiko": Decimal("68.75"),
                       "kinerja_keuangan": Decimal("95.31"), "permodalan": Decimal("100.00")}
    # (100 x 30 + 68,75 x 15 + 95,31 x 40 + 100 x 15) / 100 = 93,4365.
    assert (rating.final_score, rating.category, rating.complete) == (
        Decimal("93.44"), "Sehat", True)
    assert rating.ratios["npl"] == Decimal("5.00")
    assert "Bobot aspek (CODE-ONLY)" in rating.unconfirmed


def test_hand_worked_perdep_06_2016():
    figures, previous, checklist = _example()
    rating = calculations.rate(ruleset("perdep-06-2016-ksp"), figures, previous, checklist)
    aspects = {a.code: a.score_percent for a in rating.aspects}
    # Permodalan: MS/aset 35 % -> 50 (x6), MS/pinjaman 48,61 % -> 40 (x6): 45.
    # KAP: risk (0,5 x 20 + 0,75 x 10 + 6) / 720 = 3,26 % -> 80; CKPN 18 / 23,5 = 76,6 % -> 70;
    #   NPL 5 % -> 100: 83,33.  Likuiditas: rasio kas 20 % -> 50 (x10), pinjaman/dana 72 % -> 50.
    # Kemandirian: ROA 6 % -> 50 (x3), ROE 17,14 % -> 100 (x3), kemandirian 222 % -> 100 (x4): 85.
    assert aspects == {"permodalan": Decimal("45.00"), "kualitas_aktiva": Decimal("83.33"),
                       "manajemen": Decimal("100.00"), "efisiensi": Decimal("100.00"),
                       "likuiditas": Decimal("50.00"), "kemandirian": Decimal("85.00"),
                       "jatidiri": Decimal("100.00")}
    # (45x12 + 83,33x15 + 100x15 + 100x8 + 50x15 + 85x10 + 100x10) / 85 = 78,705.
    assert (rating.final_score, rating.category) == (Decimal("78.71"), "Cukup Sehat")


def test_hand_worked_perdep_07_2016_with_the_sharia_aspect():
    figures, previous, _ = _example()
    checklist = {"mj_umum": True, "mj_kelembagaan": False, "mj_permodalan": True,
                 "mj_aktiva": False, "sy_dps": True, "sy_akad": True, "sy_maal": False,
                 "sy_tazir": True}
    rating = calculations.rate(ruleset("perdep-07-2016-kspps"), figures, previous, checklist)
    aspects = {a.code: a.score_percent for a in rating.aspects}
    # MS/aset 35 % -> 100 under the KJKS bands; with MS/pembiayaan 40: 70.
    # Manajemen 2 of 4 answered = 50; sharia 3/4 = 75.
    assert (aspects["permodalan"], aspects["manajemen"], aspects["prinsip_syariah"]) == (
        Decimal("70.00"), Decimal("50.00"), Decimal("75.00"))
    # (70x12 + 83,33x15 + 50x15 + 100x8 + 50x15 + 85x8 + 100x7 + 75x10) / 90 = 6.520 / 90 = 72,44.
    assert (rating.final_score, rating.category) == (Decimal("72.44"), "Cukup Sehat")


def test_missing_figures_leave_the_rating_incomplete():
    figures, _, _ = _example()
    figures["loans_substandard"] = figures["loans_doubtful"] = figures["loans_loss"] = None
    rating = calculations.rate(ruleset("kkpkk-2021-ksp"), figures, None, {})
    npl = next(i for a in rating.aspects for i in a.indicators if i.code == "npl")
    assert (npl.value, npl.score, npl.note) == (None, None, "data tidak tersedia")
    assert not rating.complete


# ---------------------------------------------------------------- CLI


def _cli(*args):
    out = io.StringIO()
    call_command("health", *args, stdout=out)
    return out.getvalue()


def test_the_cli_rates_a_json_file():
    result = json.loads(_cli("--figures", str(EXAMPLE), "--ruleset", "kkpkk-2021-ksp",
                             "--format", "json"))
    assert (result["final_score"], result["category"]) == ("93.44", "Sehat")
    assert result["ratios"]["roa"] == "6.00"
    roa = result["aspects"][2]["indicators"][0]
    assert (roa["code"], roa["score"], roa["confidence"]) == ("roa", "3", "CONFIRMED")
    assert "Skor akhir: 93.44 — Sehat" in _cli("--figures", str(EXAMPLE))


def test_the_cli_refuses_bad_input(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"cash": 1.5, "laba": 3}))
    with pytest.raises(CommandError, match="kolom tidak dikenal: laba"):
        _cli("--figures", str(bad))
    bad.write_text(json.dumps({"cash": 1.5}))
    with pytest.raises(CommandError, match="cash: harus bilangan bulat"):
        _cli("--figures", str(bad))
    with pytest.raises(CommandError, match="tidak dikenal"):
        _cli("--figures", str(EXAMPLE), "--ruleset", "tidak-ada")
    with pytest.raises(CommandError, match="Pilih salah satu"):
        _cli()


def test_the_cli_rates_from_the_books(city):
    from tests.ledger.helpers import post

    post(city.coop_a, [("1101", 100_000_00, 0), ("3103", 0, 100_000_00)])
    post(city.coop_a, [("1101", 9_000_00, 0), ("4109", 0, 9_000_00)])
    result = json.loads(_cli("--cooperative", "ksp-a", "--as-of", "2026-11-20",
                             "--format", "json"))
    assert result["ruleset"] == "kkpkk-2021-ksp"
    # SHU 9.000 over assets 109.000 = 8,26 %; equity 109.000 = assets.
    assert result["ratios"]["roa"] == "8.26" and result["ratios"]["equity_to_assets"] == "100.00"
    assert result["complete"] is False
    with pytest.raises(CommandError, match="tidak ada"):
        _cli("--cooperative", "ksp-zzz", "--as-of", "2026-11-20")


# ---------------------------------------------------------------- screens


@pytest.fixture
def rated(dinas):
    figures, previous, _ = _example()
    entry = registry_entry_save(office=dinas.office, entry=None,
                                raw={"code": "ksp-contoh", "name": "KSP Contoh", "kind": "KSP"},
                                acting_user=dinas.analyst)
    PeriodFigures.objects.create(office=dinas.office, entry=entry, period=dt.date(2025, 12, 31),
                                 as_of=dt.date(2025, 12, 31), source="unggah", **figures)
    PeriodFigures.objects.create(office=dinas.office, entry=entry, period=dt.date(2024, 12, 31),
                                 as_of=dt.date(2024, 12, 31), source="unggah", **previous)
    return entry


def test_the_examiner_rates_and_prints(dinas, rated):
    _, _, checklist = _example()
    client = client_for(dinas.analyst)
    ticked = [code for code, value in checklist.items() if value]
    response = client.post("/dinas/kota-pekalongan/register/ksp-contoh/nilai/", {
        "ruleset": "kkpkk-2021-ksp", "period": "2025-12-31", "checklist": ticked})
    assert response.status_code == 302
    saved = HealthRating.objects.get()
    assert (saved.final_score, saved.category, saved.rated_by) == (
        Decimal("93.44"), "Sehat", dinas.analyst)
    page = client.get(response["Location"]).content.decode()
    assert "93,44" in page and "belum terkonfirmasi" in page.lower()
    pdf = client.get(f"/dinas/kota-pekalongan/kesehatan/{saved.pk}.pdf")
    assert pdf.content.startswith(b"%PDF")
    listing = client.get("/dinas/kota-pekalongan/kesehatan/?periode=2025-12-31").content.decode()
    assert "penilaian pemeriksa" in listing


def test_rating_refusals_write_nothing(dinas, rated):
    client = client_for(dinas.analyst)
    response = client.post("/dinas/kota-pekalongan/register/ksp-contoh/nilai/", {
        "ruleset": "kkpkk-2021-ksp", "period": "2023-12-31"})
    assert response.status_code == 400 and "SUPERVISION_NO_FIGURES" in response.content.decode()
    response = client.post("/dinas/kota-pekalongan/register/ksp-contoh/nilai/", {
        "ruleset": "perdep-07-2016-kspps", "period": "2025-12-31"})
    assert "SUPERVISION_RULESET_KIND" in response.content.decode()
    assert client_for(dinas.facilitator).post(
        "/dinas/kota-pekalongan/register/ksp-contoh/nilai/",
        {"ruleset": "kkpkk-2021-ksp", "period": "2025-12-31"}).status_code == 403
    assert client_for(dinas.other_analyst).post(
        "/dinas/kota-pekalongan/register/ksp-contoh/nilai/",
        {"ruleset": "kkpkk-2021-ksp", "period": "2025-12-31"}).status_code == 404
    assert not HealthRating.objects.exists()


def test_another_city_cannot_open_a_rating(dinas, rated):
    saved = rating_save(entry=rated, period=dt.date(2025, 12, 31), ruleset_name=None,
                        checklist={}, acting_user=dinas.analyst)
    for url in (f"/dinas/kota-pekalongan/kesehatan/{saved.pk}/",
                f"/dinas/kota-pekalongan/kesehatan/{saved.pk}.pdf",
                "/dinas/kota-pekalongan/kesehatan/", f"/dinas/kota-tangerang/kesehatan/{saved.pk}/"):
        assert client_for(dinas.other_analyst).get(url).status_code == 404


def test_office_ratings_rank_the_worst_first(dinas, rated):
    weak = registry_entry_save(office=dinas.office, entry=None,
                               raw={"code": "ksp-lemah", "name": "KSP Lemah", "kind": "KSP"},
                               acting_user=dinas.analyst)
    figures, _, _ = _example()
    PeriodFigures.objects.create(office=dinas.office, entry=weak, period=dt.date(2025, 12, 31),
                                 as_of=dt.date(2025, 12, 31), source="unggah",
                                 **{**figures, "shu": -5_000_000_00, "loans_loss": 20_000_000_000})
    rows = office_ratings(dinas.office, dt.date(2025, 12, 31))
    assert [row.entry.code for row in rows] == ["ksp-lemah", "ksp-contoh"]
    assert rows[0].rating.final_score < rows[1].rating.final_score
