"""Template filters for showing money the Indonesian way."""

from __future__ import annotations

from django import template

from lumbung.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(sen: int | None) -> str:
    """Rp1.250.000,00 from an amount in sen."""
    return format_rupiah(sen or 0)


@register.filter
def rupiah_or_blank(sen: int | None) -> str:
    """Like `rupiah`, but empty for zero so a debit/credit column shows only the side used."""
    return format_rupiah(sen) if sen else ""


@register.filter
def rupiah_whole(sen: int | None) -> str:
    """Rp100.000: whole Rupiah, for notes and coins and round figures."""
    return format_rupiah(sen or 0, decimals=False)


@register.filter
def rupiah_plain(sen: int | None) -> str:
    """1.250.000,00 (no "Rp"): the cells of a statement whose heading says "dalam Rupiah"."""
    return format_rupiah(sen or 0, symbol=False)
