"""Turning what staff type into service arguments; every refusal is a LumbungError.

The screens keep what the user typed (`rows`, `values`) so a refused form comes back filled in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah, parse_rupiah
from lumbung.ledger.services import LineSpec

# Rows offered by the manual entry form without JavaScript; "+ Tambah baris" adds more.
DEFAULT_ROWS = 6
MAX_ROWS = 100


def parse_date(text: str | None) -> dt.date | None:
    """An ISO date (what <input type=date> sends), None when empty. Raises BAD_DATE."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise LumbungError("BAD_DATE", value=text) from exc


def parse_amount(text: str) -> int:
    """Sen from Indonesian notation ("1.250.000,50"); 0 when empty. Raises BAD_AMOUNT."""
    text = text.strip()
    if not text:
        return 0
    try:
        amount = parse_rupiah(text)
    except ValueError as exc:
        raise LumbungError("BAD_AMOUNT", value=text) from exc
    if amount < 0:
        raise LumbungError("BAD_AMOUNT", value=text)
    return amount


@dataclass
class EntryRow:
    """One line of the manual entry form, as typed."""

    account: str = ""
    debit: str = ""
    credit: str = ""
    memo: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.account or self.debit.strip() or self.credit.strip() or self.memo)


@dataclass
class ManualEntryForm:
    """The manual journal entry form: raw values plus, once parsed, the service arguments."""

    date: str = ""
    description: str = ""
    token: str = ""
    rows: list[EntryRow] = field(default_factory=list)

    @classmethod
    def blank(cls, business_date: dt.date, token: str) -> ManualEntryForm:
        return cls(
            date=business_date.isoformat(),
            token=token,
            rows=[EntryRow() for _ in range(DEFAULT_ROWS)],
        )

    @classmethod
    def from_post(cls, data: Mapping[str, str]) -> ManualEntryForm:
        try:
            count = min(int(data.get("rows", DEFAULT_ROWS)), MAX_ROWS)
        except ValueError:
            count = DEFAULT_ROWS
        rows = [
            EntryRow(
                account=data.get(f"line-{i}-account", "").strip(),
                debit=data.get(f"line-{i}-debit", ""),
                credit=data.get(f"line-{i}-credit", ""),
                memo=data.get(f"line-{i}-memo", "").strip()[:200],
            )
            for i in range(count)
        ]
        return cls(
            date=data.get("date", "").strip(),
            description=data.get("description", "").strip(),
            token=data.get("token", "").strip()[:80],
            rows=rows,
        )

    def add_row(self) -> None:
        if len(self.rows) < MAX_ROWS:
            self.rows.append(EntryRow())

    def parsed_date(self) -> dt.date | None:
        return parse_date(self.date)

    def lines(self) -> list[LineSpec]:
        """The filled-in rows as LineSpecs. Raises BAD_AMOUNT, BAD_INPUT."""
        lines = []
        for number, row in enumerate(self.rows, start=1):
            if row.is_blank:
                continue
            if not row.account:
                raise LumbungError(
                    "BAD_INPUT", detail=_("baris %(number)s: pilih akun") % {"number": number}
                )
            lines.append(
                LineSpec(
                    account=row.account,
                    debit=parse_amount(row.debit),
                    credit=parse_amount(row.credit),
                    memo=row.memo,
                )
            )
        return lines

    def totals(self) -> tuple[str, str]:
        """Debit and credit totals of what could be parsed, for showing beside a refusal."""
        debit = credit = 0
        for row in self.rows:
            try:
                debit += parse_amount(row.debit)
                credit += parse_amount(row.credit)
            except LumbungError:
                continue
        return format_rupiah(debit), format_rupiah(credit)


@dataclass
class AccountForm:
    """The add-a-detail-account form, as typed."""

    code: str = ""
    name: str = ""
    parent_code: str = ""
    is_control: bool = False
    contra: bool = False

    @classmethod
    def from_post(cls, data: Mapping[str, str]) -> AccountForm:
        form = cls(
            code=data.get("code", "").strip(),
            name=data.get("name", "").strip()[:200],
            parent_code=data.get("parent_code", "").strip(),
            is_control=data.get("is_control") == "on",
            contra=data.get("contra") == "on",
        )
        return form

    def check(self) -> None:
        """Raises BAD_INPUT for what the service would not catch itself."""
        if not self.name:
            raise LumbungError("BAD_INPUT", detail=_("nama akun wajib diisi"))
