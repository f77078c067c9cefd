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
