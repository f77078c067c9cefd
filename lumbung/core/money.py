"""Money is an integer number of sen (1 Rupiah = 100 sen). Never a float.

Every rounding in Lumbung goes through `round_sen`, half up, so a rupiah is rounded the same
way in a schedule, an interest posting and a report.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

SEN_PER_RUPIAH = 100


def round_sen(value: Decimal | int) -> int:
    """Round an amount in sen (possibly fractional, as a Decimal) to whole sen, half up."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_rupiah(value: Decimal | int) -> int:
    """Round an amount in sen to whole Rupiah (still returned in sen), half up."""
    return round_sen(Decimal(value) / SEN_PER_RUPIAH) * SEN_PER_RUPIAH


def round_to_unit(value: Decimal | int, unit: int) -> int:
    """Round an amount in sen to a multiple of `unit` sen (1 sen, 100 = Rupiah, 10000 = Rp100),
    half up, as a product's instalment rounding asks."""
    if unit <= 0:
        raise ValueError("rounding unit must be a positive number of sen")
    return round_sen(Decimal(value) / unit) * unit


# Indonesian notation only: "." groups thousands in threes, "," starts at most two sen digits.
# "1250000.50" is refused rather than guessed (it would be Rp125.000.050 read the Indonesian way).
AMOUNT_PATTERN = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$")
# Rp1.000 triliun: far above any cooperative's balance sheet, far below the 64-bit column limit.
MAX_AMOUNT_SEN = 10**17


def parse_rupiah(text: str) -> int:
    """Parse what a person types ("1.250.000", "1250000,50", "Rp 1.000") into sen.

    Raises ValueError for anything else, including English decimals and absurd sizes.
    """
    cleaned = text.strip().removeprefix("Rp").removeprefix("rp").replace(" ", "")
    if not AMOUNT_PATTERN.match(cleaned):
        raise ValueError(f"not an Indonesian amount: {text!r}")
    rupiah, _, sen = cleaned.partition(",")
    amount = int(rupiah.replace(".", "")) * SEN_PER_RUPIAH + int(sen.ljust(2, "0") or 0)
    if amount > MAX_AMOUNT_SEN:
        raise ValueError(f"amount too large: {text!r}")
    return amount


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


def amount_in_words(sen: int, language: str = "id") -> str:
    """The amount as a receipt spells it: "satu juta dua ratus ribu rupiah lima puluh sen".

    num2words handles Indonesian numerals (seribu, seratus, sebelas) correctly; the currency
    words are ours so the sen part reads the way Indonesian receipts write it.
    """
    from num2words import num2words

    lang = "en" if language.startswith("en") else "id"
    sign = "minus " if sen < 0 else ""
    rupiah, rest = divmod(abs(sen), SEN_PER_RUPIAH)
    words = f"{sign}{num2words(rupiah, lang=lang)} rupiah"
    if rest:
        words += f" {num2words(rest, lang=lang)} sen"
    return words
