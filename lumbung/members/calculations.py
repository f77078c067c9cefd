"""Structural checks of an NIK (Nomor Induk Kependudukan) and masking of personal data. No ORM.

NIK layout (shared/domain/regulations.md §6.1, CONFIRMED): PP KK CC DD MM YY SSSS —
province, regency/city, district, day of birth (+40 for women), month, two-digit year, serial.
There is no check digit, so only the structure can be checked: 16 digits; region parts not 00;
a real calendar date in some century; serial not 0000. Region codes are not checked against the
Kepmendagri table: codes of split regions change while old NIKs stay valid (warn, don't reject),
and a declared birth date or gender that disagrees with the NIK is a warning too, because
Dukcapil data sometimes differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikCheck:
    """Errors refuse the NIK; warnings are shown to the teller and kept."""

    nik: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Birth dates the NIK allows (one per century that gives a real date), and its gender.
    birth_dates: tuple[dt.date, ...] = field(default=())
    gender: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _dates_for(day: int, month: int, year: int, today: dt.date) -> tuple[dt.date, ...]:
    dates = []
    for century in (1900, 2000):
        try:
            candidate = dt.date(century + year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            dates.append(candidate)
    return tuple(dates)


def nik_check(
    nik: str,
    *,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    today: dt.date | None = None,
) -> NikCheck:
    """Check an NIK's structure; compare it with a declared birth date and gender ("L"/"P")."""
    nik = nik.strip()
    today = today or dt.date.today()
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return NikCheck(nik, errors=("NIK_LENGTH",))
    errors: list[str] = []
    warnings: list[str] = []
    if "00" in (nik[0:2], nik[2:4], nik[4:6]):
        errors.append("NIK_REGION")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_gender = "P" if day > FEMALE_DAY_OFFSET else "L"
    real_day = day - FEMALE_DAY_OFFSET if day > FEMALE_DAY_OFFSET else day
    dates = _dates_for(real_day, month, year, today) if 1 <= month <= 12 else ()
    if not dates:
        errors.append("NIK_BIRTH_DATE")
    if nik[12:16] == "0000":
        errors.append("NIK_SERIAL")
    if not errors:
        if birth_date is not None and birth_date not in dates:
            warnings.append("NIK_BIRTH_DATE_MISMATCH")
        if gender is not None and gender != nik_gender:
            warnings.append("NIK_GENDER_MISMATCH")
    return NikCheck(
        nik,
        errors=tuple(errors),
        warnings=tuple(warnings),
        birth_dates=dates if not errors else (),
        gender=nik_gender if not errors else None,
    )


def mask_nik(nik: str) -> str:
    """Shown by default on screens and in logs: region code and serial only."""
    return f"{nik[:4]}{'*' * 8}{nik[12:]}" if len(nik) == 16 else "*" * len(nik)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 6:
        return "*" * len(digits)
    return f"{digits[:4]}{'*' * (len(digits) - 7)}{digits[-3:]}"
