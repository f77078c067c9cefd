"""Small template helpers of the Dinas console."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """mapping[key] in a template (None when missing)."""
    if mapping is None:
        return None
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: Decimal | float | None) -> str:
    """12,34 % (Indonesian decimal comma), or – when not available."""
    if value is None:
        return "–"
    return f"{Decimal(value):.2f}".replace(".", ",") + " %"


@register.filter
def slugify_category(value: str) -> str:
    return str(value).lower().replace(" ", "-")


@register.filter
def rupiah_whole(sen: int | None) -> str:
    """Rp1.250.000 (whole Rupiah), for figures at a glance."""
    from lumbung.core.money import format_rupiah

    return format_rupiah(sen or 0, decimals=False)


MILLION_RUPIAH_SEN = 1_000_000 * 100


@register.filter
def rupiah_million(sen: int | None) -> str:
    """1.900.124 (millions of Rupiah, rounded half up), for tables headed "Rp juta"."""
    from lumbung.core.money import round_to_unit

    if sen is None:
        return "–"
    millions = round_to_unit(sen, MILLION_RUPIAH_SEN) // MILLION_RUPIAH_SEN
    return f"{millions:,}".replace(",", ".")


@register.filter
def decimal_comma(value: Decimal | str | int | None) -> str:
    """91,67: a score or weight (stored as a decimal string) with the Indonesian comma."""
    if value is None or value == "":
        return "–"
    return str(value).replace(".", ",")


@register.filter
def thousands(value: int | None) -> str:
    """237.774: a count with Indonesian thousands dots."""
    return f"{value or 0:,}".replace(",", ".")


@register.filter
def rupiah_short(sen: int | None) -> str:
    """Rp3.679,4 M / Rp450 jt: a large amount at a glance (the exact one beside it)."""
    from lumbung.supervision.consolidation import short_rupiah

    return short_rupiah(sen)
