"""Reading typed values from forms and spreadsheet cells, with a clear refusal for each.

One parser per kind of value; the registry form, the registry import and the figures upload
all go through here, so a date or an amount is read the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from lumbung.core.errors import LumbungError
from lumbung.core.money import SEN_PER_RUPIAH

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bad(label: str, value: Any, expected: str) -> LumbungError:
    return LumbungError("SUPERVISION_BAD_VALUE", field=label, value=str(value)[:60],
                        expected=expected)


def parse_text(value: Any, *, label: str, max_length: int) -> str:
    text = "" if _blank(value) else str(value).strip()
    if len(text) > max_length:
        raise _bad(label, text, f"paling banyak {max_length} huruf")
    return text


def parse_date(value: Any, *, label: str) -> dt.date | None:
    """A date from a cell (a real date) or text: 2024-03-31 or 31/03/2024."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _bad(label, text, "tanggal, mis. 2024-03-31 atau 31/03/2024")


def parse_count(value: Any, *, label: str) -> int | None:
    """A whole number of people, zero or more."""
    if _blank(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _bad(label, value, "bilangan bulat 0 atau lebih") from None
    if number != number.to_integral_value() or number < 0:
        raise _bad(label, value, "bilangan bulat 0 atau lebih")
    return int(number)


def parse_rupiah_cell(value: Any, *, label: str, signed: bool = False) -> int | None:
    """Rupiah from a spreadsheet cell (a number, at most two decimals) into sen."""
    if _blank(value):
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _bad(label, value, "angka rupiah tanpa titik ribuan, mis. 1250000.50") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _bad(label, value, "angka rupiah, paling banyak dua angka desimal")
    if amount < 0 and not signed:
        raise _bad(label, value, "tidak boleh negatif")
    if abs(amount) >= Decimal(10) ** 15:
        raise _bad(label, value, "terlalu besar")
    return int(amount * SEN_PER_RUPIAH)


def parse_choice(value: Any, *, label: str, choices: Iterable[tuple[str, Any]]) -> str:
    """One of `choices`, matched on its value or its label, ignoring case."""
    if _blank(value):
        return ""
    text = str(value).strip().lower()
    for code, name in choices:
        if text in {str(code).lower(), str(name).lower()}:
            return str(code)
    allowed = ", ".join(str(code) for code, _ in choices)
    raise _bad(label, value, f"salah satu dari: {allowed}")


def parse_phone(value: Any, *, label: str) -> str:
    if _blank(value):
        return ""
    text = str(value).strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = "0" + str(int(value))  # a spreadsheet drops the leading zero of 0812...
    if not PHONE.match(text):
        raise _bad(label, text, "nomor telepon, mis. 081234567890")
    return text


@dataclass(frozen=True)
class NikKoperasiCheck:
    """How a NIK koperasi looks: `problem` is why it is refused; `warning` is shown only."""

    problem: str = ""
    warning: str = ""


def nik_koperasi_check(value: str, rules: dict[str, Any]) -> NikKoperasiCheck:
    """Structural check of a NIK koperasi against the registry rules (format unconfirmed)."""
    if not value:
        return NikKoperasiCheck()
    if not value.isdigit():
        return NikKoperasiCheck(problem="hanya boleh angka")
    lengths = rules["lengths"]
    if len(value) not in lengths:
        return NikKoperasiCheck(
            warning=f"panjang {len(value)} angka; yang lazim {', '.join(map(str, lengths))} "
                    "angka (format belum terkonfirmasi)")
    return NikKoperasiCheck()
