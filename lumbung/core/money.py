"""Money is an integer number of sen (1 Rupiah = 100 sen). Never a float.

Every rounding in Lumbung goes through `round_sen`, half up, so a rupiah is rounded the same
way in a schedule, an interest posting and a report.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SEN_PER_RUPIAH = 100


def round_sen(value: Decimal | int) -> int:
    """Round an amount in sen (possibly fractional, as a Decimal) to whole sen, half up."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_rupiah(value: Decimal | int) -> int:
    """Round an amount in sen to whole Rupiah (still returned in sen), half up."""
    return round_sen(Decimal(value) / SEN_PER_RUPIAH) * SEN_PER_RUPIAH


def parse_rupiah(text: str) -> int:
    """Parse what a person types ("1.250.000", "1250000,50", "Rp 1.000") into sen.

    Indonesian notation: "." groups thousands, "," separates the sen. Raises ValueError.
    """
    cleaned = text.strip().replace("Rp", "").replace("rp", "").replace(" ", "")
    if not cleaned:
        raise ValueError("empty amount")
    cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("more than two decimals")
    return int(amount * SEN_PER_RUPIAH)


def format_rupiah(sen: int, *, symbol: bool = True, decimals: bool = True) -> str:
    """Indonesian display: Rp1.250.000,00 (negative as -Rp…)."""
    sign = "-" if sen < 0 else ""
    rupiah, rest = divmod(abs(sen), SEN_PER_RUPIAH)
    text = f"{rupiah:,}".replace(",", ".")
    if decimals:
        text += f",{rest:02d}"
    return f"{sign}{'Rp' if symbol else ''}{text}"


def sen_to_decimal_rupiah(sen: int) -> str:
    """Plain-text Rupiah with two decimals and a dot, for machine formats (hledger, beancount)."""
    sign = "-" if sen < 0 else ""
    rupiah, rest = divmod(abs(sen), SEN_PER_RUPIAH)
    return f"{sign}{rupiah}.{rest:02d}"
