"""`lumbung health`: a health rating from a JSON of statement figures or from a cooperative's
books, with every ratio, indicator score, aspect score and the category.

    lumbung health --figures laporan.json --ruleset kkpkk-2021-ksp --format json
    lumbung health --cooperative ksp-sejahtera --as-of 2026-10-31

The JSON (docs/examples/health-figures.json): the upload template's fields in sen (people as
counts), optionally "previous" (the same a year earlier, for growth) and "checklist"
({item code: true/false}). Exit 0 with the rating; 1 with an Indonesian message on bad input.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from lumbung.core.errors import LumbungError
from lumbung.supervision import calculations
from lumbung.supervision.rules import default_ruleset_name, ruleset
from lumbung.tenancy.models import Cooperative


def _figures(raw: Any, where: str) -> dict[str, int | None]:
    if not isinstance(raw, dict):
        raise CommandError(_("%(where)s: harus berupa objek JSON.") % {"where": where})
    unknown = sorted(set(raw) - set(calculations.FIGURE_NAMES))
    if unknown:
        raise CommandError(_("%(where)s: kolom tidak dikenal: %(names)s.")
                           % {"where": where, "names": ", ".join(unknown)})
    figures: dict[str, int | None] = {}
    for name in calculations.FIGURE_NAMES:
        value = raw.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise CommandError(_("%(where)s.%(name)s: harus bilangan bulat (sen) atau null.")
                               % {"where": where, "name": name})
        figures[name] = value
    return figures


def from_file(path: str) -> tuple[dict[str, int | None], dict[str, int | None] | None,
                                  dict[str, bool], str | None]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(_("Berkas %(path)s tidak bisa dibaca sebagai JSON: %(error)s")
                           % {"path": path, "error": exc}) from None
    if not isinstance(data, dict):
        raise CommandError(_("Isi berkas harus objek JSON."))
    extra = {"previous", "checklist", "kind", "name", "period"}
    figures = _figures({k: v for k, v in data.items() if k not in extra}, "figures")
    previous = _figures(data["previous"], "previous") if data.get("previous") else None
    checklist = data.get("checklist") or {}
    if not isinstance(checklist, dict) or not all(isinstance(v, bool)
                                                  for v in checklist.values()):
        raise CommandError(_("checklist: harus objek {kode: true/false}."))
    return figures, previous, checklist, data.get("kind")


def _text(rating: calculations.Rating) -> str:
    lines = [_("Aturan: %(name)s (versi %(version)s)") % {"name": rating.ruleset,
                                                         "version": rating.version},
             _("Skor akhir: %(score)s — %(category)s") % {"score": rating.final_score,
                                                          "category": rating.category}
             + ("" if rating.complete
                else " " + _("(tidak lengkap: sebagian indikator tanpa data)"))]
    score_word = _("skor")
    for aspect in rating.aspects:
        score = "-" if aspect.score_percent is None else f"{aspect.score_percent}"
        lines.append("\n" + _("%(name)s (bobot %(weight)s): %(score)s") % {
            "name": aspect.name, "weight": aspect.weight, "score": score})
        for item in aspect.indicators:
            value = "-" if item.value is None else f"{item.value} %"
            result = "-" if item.score is None else f"{item.score}/{item.max_score}"
            lines.append(f"  {item.name:<55} {value:>12}  {score_word} {result:<8} "
                         f"[{item.confidence}]")
    if rating.unconfirmed:
        lines.append("\n" + _("Belum terkonfirmasi (periksa sebelum dipakai resmi): ")
                     + "; ".join(rating.unconfirmed))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Penilaian kesehatan koperasi dari berkas angka (JSON) atau dari buku koperasi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--figures", help="berkas JSON angka laporan (lihat docs/dinas.md)")
        parser.add_argument("--cooperative", help="kode koperasi di Lumbung")
        parser.add_argument("--as-of", help="tanggal angka buku, YYYY-MM-DD")
        parser.add_argument("--ruleset", help="nama aturan, mis. kkpkk-2021-ksp")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--lang", choices=["id", "en"], default="id")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            try:
                rating = self._rate(options)
            except LumbungError as error:
                raise CommandError(f"{error.message} ({error.code})") from None
            if options["format"] == "json":
                self.stdout.write(json.dumps(rating.as_dict(), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(_text(rating))

    def _rate(self, options: dict[str, Any]) -> calculations.Rating:
        if bool(options["figures"]) == bool(options["cooperative"]):
            raise CommandError(_("Pilih salah satu: --figures BERKAS atau --cooperative KODE."))
        if options["figures"]:
            figures, previous, checklist, kind = from_file(options["figures"])
            name = options["ruleset"] or default_ruleset_name(kind or "KSP")
            return calculations.rate(ruleset(name), figures, previous, checklist)
        from lumbung.supervision.figures import figures_from_books

        cooperative = Cooperative.objects.filter(code=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(_("Koperasi %(code)s tidak ada.") % {"code": options["cooperative"]})
        try:
            as_of = dt.date.fromisoformat(options["as_of"] or "")
        except ValueError:
            raise CommandError(_("--as-of wajib diisi dengan tanggal YYYY-MM-DD.")) from None
        rules = ruleset(options["ruleset"] or default_ruleset_name(cooperative.kind))
        current = figures_from_books(cooperative, as_of)
        previous = figures_from_books(cooperative, as_of.replace(year=as_of.year - 1)
                                      if not (as_of.month == 2 and as_of.day == 29)
                                      else as_of.replace(year=as_of.year - 1, day=28))
        if previous.get("total_assets") in (0, None):
            previous = {}
        return calculations.rate(rules, current, previous or None, {})
