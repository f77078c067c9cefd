"""Pure ledger maths: the canonical encoding, entry hashes and Merkle roots. No ORM here.

Canonical encoding of an entry (version 1), the bytes that are hashed:
    UTF-8 of JSON with keys sorted, no whitespace (separators "," and ":"), non-ASCII kept as is,
    of the object
    {"cooperative": CODE, "number": N, "date": "YYYY-MM-DD", "description": STR,
     "source": STR, "reverses": N or null, "maker": USER_ID or null,
     "approved_by": USER_ID or null, "total": SEN, "prev_hash": HEX64, "v": 1,
     "lines": [{"line": N, "account": CODE, "debit": SEN, "credit": SEN,
                "member": ID or null, "subledger": STR, "memo": STR}, ...]}
    with lines in line order. hash = lowercase hex SHA-256 of those bytes.
The first entry of a cooperative has prev_hash = 64 zeros.

Merkle root of a checkpoint: the leaves are the entries' hashes (as 32 raw bytes) in number
order; each level hashes the concatenation of pairs, the last node of an odd level is paired
with itself; the root of one leaf is that leaf; the root of no leaves is SHA-256 of nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple


class HashedLine(NamedTuple):
    line_no: int
    account_code: str
    debit: int
    credit: int
    member_id: int | None = None
    subledger_ref: str = ""
    memo: str = ""


class HashedEntry(NamedTuple):
    cooperative_code: str
    number: int
    date: date
    description: str
    source: str
    reverses_number: int | None
    maker_id: int | None
    approved_by_id: int | None
    total: int
    prev_hash: str
    lines: Sequence[HashedLine]


# One encoder for every entry: building a JSONEncoder per call costs as much as the encoding.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_bytes(entry: HashedEntry) -> bytes:
    # Keys are written in sorted order already, so the encoder's sort finds nothing to move.
    document = {
        "approved_by": entry.approved_by_id,
        "cooperative": entry.cooperative_code,
        "date": entry.date.isoformat(),
        "description": entry.description,
        "lines": [
            {
                "account": line.account_code,
                "credit": line.credit,
                "debit": line.debit,
                "line": line.line_no,
                "member": line.member_id,
                "memo": line.memo,
                "subledger": line.subledger_ref,
            }
            for line in entry.lines
        ],
        "maker": entry.maker_id,
        "number": entry.number,
        "prev_hash": entry.prev_hash,
        "reverses": entry.reverses_number,
        "source": entry.source,
        "total": entry.total,
        "v": 1,
    }
    return _ENCODER.encode(document).encode()


def entry_hash(entry: HashedEntry) -> str:
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()


def merkle_root(hashes: Sequence[str]) -> str:
    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    level = [bytes.fromhex(h) for h in hashes]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [
            hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)
        ]
    return level[0].hex()


def net_balance(debit: int, credit: int) -> tuple[int, int]:
    """A trial-balance line: the net amount on the side where it falls, the other side zero."""
    net = debit - credit
    return (net, 0) if net >= 0 else (0, -net)
