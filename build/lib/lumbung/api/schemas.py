"""Shapes of the JSON API. Amounts are integer sen everywhere."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str


class CooperativeOut(Schema):
    code: str
    name: str
    kind: str
    kecamatan: str
    kelurahan: str
    region_label: str
    status: str
    business_date: dt.date


class TrialBalanceLineOut(Schema):
    account: str
    name: str
    debit: int
    credit: int


class TrialBalanceOut(Schema):
    cooperative: str
    as_of: dt.date
    lines: list[TrialBalanceLineOut]
    total_debit: int
    total_credit: int


class LineIn(Schema):
    """A manual entry's line: amounts in sen. Sub-ledgers move only through their own APIs."""

    account: str
    debit: int = 0
    credit: int = 0
    memo: str = ""


class LineOut(Schema):
    line_no: int
    account: str
    debit: int
    credit: int
    member_id: int | None
    subledger_ref: str
    memo: str


class EntryIn(Schema):
    description: str
    date: dt.date | None = None
    lines: list[LineIn]


class EntryOut(Schema):
    number: int
    date: dt.date
    description: str
    source: str
    total: int
    maker: str | None
    approved_by: str | None
    reverses: int | None
    prev_hash: str
    hash: str
    lines: list[LineOut]


class ApprovalOut(Schema):
    id: int
    status: str
    amount: int
    description: str
    maker: str


class PostResultOut(Schema):
    status: str
    entry: EntryOut | None = None
    approval: ApprovalOut | None = None
