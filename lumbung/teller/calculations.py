"""Pure teller maths: denominations, cash counts, close differences, masking. No ORM here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lumbung.core.money import SEN_PER_RUPIAH

RULES_DIR = Path(__file__).parent / "rules"


@dataclass(frozen=True)
class Denomination:
    key: str
    # Value of one note or coin, in sen.
    value: int
    # "kertas" (note) or "logam" (coin).
    kind: str


@dataclass(frozen=True)
class DenominationRules:
    version: str
    source: str
    confidence: str
    denominations: tuple[Denomination, ...]


@cache
def denomination_rules() -> DenominationRules:
    """The notes and coins of rules/denominations.yaml, largest first."""
    with open(RULES_DIR / "denominations.yaml", encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return DenominationRules(
        version=str(data["version"]),
        source=str(data["source"]),
        confidence=str(data["confidence"]),
        denominations=tuple(
            Denomination(key=row["key"], value=int(row["value"]) * SEN_PER_RUPIAH,
                         kind=row["kind"])
            for row in data["denominations"]
        ),
    )


def count_total(count: Mapping[str, int], denominations: tuple[Denomination, ...]) -> int:
    """Sen counted: pieces times value per denomination. Raises KeyError for an unknown key,
    ValueError for a negative or non-integer number of pieces."""
    values = {d.key: d.value for d in denominations}
    total = 0
    for key, pieces in count.items():
        if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 0:
            raise ValueError(f"bad number of pieces for {key}: {pieces!r}")
        total += values[key] * pieces
    return total


@dataclass(frozen=True)
class CloseResult:
    """A drawer close in sen: the book balance, the count and what goes where."""

    expected: int
    counted: int

    @property
    def difference(self) -> int:
        """Counted minus expected: negative when cash is short, positive when over."""
        return self.counted - self.expected

    @property
    def to_vault(self) -> int:
        """Everything counted goes back to the vault."""
        return self.counted


def mask_reference(text: str, visible: int = 4) -> str:
    """An account number as a public page may show it: only the last `visible` characters."""
    text = text.strip()
    if len(text) <= visible:
        return "•" * len(text)
    return "•" * (len(text) - visible) + text[-visible:]


def short_hash(entry_hash: str, length: int = 16) -> str:
    """The prefix a receipt prints and its verification link carries (64 bits: unguessable)."""
    return entry_hash[:length]


def count_for(amount: int, denominations: tuple[Denomination, ...]) -> dict[str, int]:
    """Pieces per denomination that make up `amount` sen, largest first (greedy; exact for the
    Rupiah series). Raises ValueError when the smallest coin cannot make the rest."""
    count: dict[str, int] = {}
    rest = amount
    for denomination in denominations:
        pieces, rest = divmod(rest, denomination.value)
        if pieces:
            count[denomination.key] = pieces
    if rest:
        raise ValueError(f"{amount} sen cannot be counted in notes and coins")
    return count
