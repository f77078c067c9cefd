"""The console's downloadable documents, built once for the screens and the API alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lumbung.supervision import consolidation, registry, selectors
from lumbung.supervision.models import HealthRating
from lumbung.tenancy.models import SupervisorOffice
from lumbung.web.screens import PDF, XLSX


@dataclass(frozen=True)
class Document:
    content: bytes
    filename: str
    content_type: str


def _name(prefix: str, office: SupervisorOffice, period: dt.date | None, suffix: str) -> str:
    return (f"{prefix}-{office.code}-{period:%Y-%m}.{suffix}" if period
            else f"{prefix}-{office.code}.{suffix}")


def registry_xlsx(office: SupervisorOffice, filters: Mapping[str, Any]) -> Document:
    """The registry (filtered as the list is) in the import's own columns."""
    content = registry.registry_workbook(selectors.registry_filtered(office, filters))
    return Document(content, f"register-{office.code}.xlsx", XLSX)


def consolidation_xlsx(office: SupervisorOffice, period: dt.date | None) -> Document:
    """Totals, each grouping, the trend and one row per cooperative (latest period by default)."""
    data = selectors.consolidation(office, period, full_trend=True)
    content = consolidation.consolidation_workbook(
        data, office.name, selectors.period_rows(office, data.period))
    return Document(content, _name("konsolidasi", office, data.period, "xlsx"), XLSX)


def ods_xlsx(office: SupervisorOffice, period: dt.date | None) -> Document:
    """The ODS-style aggregate for a period (latest by default)."""
    data = selectors.consolidation(office, period)
    content = consolidation.ods_workbook(selectors.ods_rows(office, data.period), data.period,
                                         office.name)
    return Document(content, _name("ods", office, data.period, "xlsx"), XLSX)


def briefing_pdf(office: SupervisorOffice, period: dt.date | None) -> Document:
    """The sector briefing for the Dinas's leadership: figures, charts, groups, top warnings."""
    from lumbung.core.documents import pdf_from_template

    data = selectors.consolidation(office, period)
    content = pdf_from_template("supervision/briefing_pdf.html", {
        "office": office, "data": data, "charts": consolidation.charts(data),
        "group_titles": consolidation.group_titles(),
        "alerts": selectors.top_alerts(office, 10),
        "printed": dt.date.today(),
    })
    return Document(content, _name("briefing", office, data.period, "pdf"), PDF)


def rating_pdf(rating: HealthRating) -> Document:
    """One health rating as the printable report (unconfirmed rules marked)."""
    from lumbung.core.documents import pdf_from_template
    from lumbung.supervision.rules import rulesets

    # The rule set's title, source and category bands, when the file is still the version the
    # rating was computed with (every number of the rating itself is in `result`).
    rules = rulesets().get(rating.ruleset)
    if rules is not None and str(rules.get("version")) != rating.ruleset_version:
        rules = None
    content = pdf_from_template("supervision/rating_pdf.html", {
        "rating": rating, "result": rating.result, "entry": rating.entry, "rules": rules,
        "office": rating.office, "printed": dt.date.today(),
    })
    return Document(content, f"penilaian-{rating.entry.code}-{rating.period:%Y-%m}.pdf", PDF)
