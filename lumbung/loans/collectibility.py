"""Kolektibilitas and provisioning (PPAP / CKPN): the policy and its pure maths, no ORM.

A policy is data (rules/collectibility.yaml, or a cooperative's own copy): classes ordered by
days past due, each with a provision rate. The shipped default is NOT a confirmed regulation
(shared/domain/regulations.md §2); `Policy.confirmed` says so and screens show `notice`.
Amounts are integer sen, rates Decimal; rounding only through core.money.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lumbung.core.errors import LumbungError
from lumbung.core.money import round_sen

RULES_DIR = Path(__file__).parent / "rules"
MAX_DAYS = 100_000


@dataclass(frozen=True)
class LoanClass:
    """One collectibility class: loans at least `min_days` past due (until the next class)."""

    code: str
    name: str
    min_days: int
    provision_rate: Decimal
    # Performing classes are outside NPL (NPL = kurang lancar + diragukan + macet).
    performing: bool


@dataclass(frozen=True)
class Policy:
    version: str
    source: str
    confidence: str
    confirmed: bool
    notice: str
    collateral_deductible: bool
    classes: tuple[LoanClass, ...]

    def classify(self, days_past_due: int) -> LoanClass:
        """The class of a loan `days_past_due` days late (0 = nothing overdue)."""
        chosen = self.classes[0]
        for loan_class in self.classes:
            if days_past_due >= loan_class.min_days:
                chosen = loan_class
        return chosen

    def by_code(self, code: str) -> LoanClass:
        for loan_class in self.classes:
            if loan_class.code == code:
                return loan_class
        raise KeyError(code)

    def as_data(self) -> dict[str, Any]:
        """The policy as stored (YAML/JSON shape), rates as strings so nothing becomes a float."""
        return {
            "version": self.version,
            "source": self.source,
            "confidence": self.confidence,
            "confirmed": self.confirmed,
            "notice": self.notice,
            "collateral_deductible": self.collateral_deductible,
            "classes": [
                {"code": c.code, "name": c.name, "min_days": c.min_days,
                 "provision_rate": str(c.provision_rate), "performing": c.performing}
                for c in self.classes
            ],
        }


def _bad(detail: str) -> LumbungError:
    return LumbungError("LOAN_POLICY_INVALID", detail=detail)


def _rate(value: Any, what: str) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _bad(f"tarif {what} bukan angka: {value!r}") from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise _bad(f"tarif {what} harus antara 0 dan 1 (0% sampai 100%)")
    return rate


def policy_from_data(data: dict[str, Any]) -> Policy:
    """Check and build a policy. Raises LOAN_POLICY_INVALID: classes must start at 0 days, rise
    strictly in days, never fall in provision rate, and performing classes come first."""
    raw_classes = data.get("classes") or []
    if not 2 <= len(raw_classes) <= 6:
        raise _bad("kebijakan harus memiliki 2 sampai 6 kelas")
    classes = []
    for raw in raw_classes:
        code = str(raw.get("code", "")).strip()
        name = str(raw.get("name", "")).strip()
        if not code or not name:
            raise _bad("setiap kelas memerlukan kode dan nama")
        try:
            min_days = int(raw.get("min_days"))
        except (TypeError, ValueError):
            raise _bad(f"batas hari kelas {name} bukan bilangan bulat") from None
        if not 0 <= min_days <= MAX_DAYS:
            raise _bad(f"batas hari kelas {name} di luar 0 sampai {MAX_DAYS}")
        classes.append(LoanClass(code=code, name=name, min_days=min_days,
                                 provision_rate=_rate(raw.get("provision_rate"), name),
                                 performing=bool(raw.get("performing", False))))
    if classes[0].min_days != 0:
        raise _bad("kelas pertama harus mulai dari 0 hari")
    if len({c.code for c in classes}) != len(classes):
        raise _bad("kode kelas tidak boleh ganda")
    for before, after in itertools.pairwise(classes):
        if after.min_days <= before.min_days:
            raise _bad(f"batas hari {after.name} harus lebih besar dari {before.name}")
        if after.provision_rate < before.provision_rate:
            raise _bad(f"tarif {after.name} tidak boleh lebih kecil dari {before.name}")
        if after.performing and not before.performing:
            raise _bad("kelas lancar (performing) harus sebelum kelas bermasalah")
    if not classes[0].performing or classes[-1].performing:
        raise _bad("kelas pertama harus lancar dan kelas terakhir bermasalah")
    return Policy(
        version=str(data.get("version", "")),
        source=str(data.get("source", "")),
        confidence=str(data.get("confidence", "UNCONFIRMED")),
        confirmed=bool(data.get("confirmed", False)),
        notice=str(data.get("notice", "")).strip(),
        collateral_deductible=bool(data.get("collateral_deductible", False)),
        classes=tuple(classes),
    )


@cache
def default_policy() -> Policy:
    """The shipped policy (rules/collectibility.yaml): a BPR-like default, not regulation."""
    with open(RULES_DIR / "collectibility.yaml", encoding="utf-8") as handle:
        return policy_from_data(yaml.safe_load(handle))


def provision_required(
    *, outstanding: int, loan_class: LoanClass, collateral: int = 0, deduct_collateral: bool
) -> int:
    """Provision (sen) for one loan: rate × (outstanding − collateral when the policy deducts
    it), never below zero."""
    base = outstanding - collateral if deduct_collateral else outstanding
    return round_sen(Decimal(max(base, 0)) * loan_class.provision_rate)


PAR_BUCKETS = (30, 60, 90)


def portfolio_at_risk(days_and_outstanding: list[tuple[int, int]]) -> dict[int, int]:
    """PAR n: outstanding (sen) of loans more than n days past due, for n in 30/60/90."""
    return {
        bucket: sum(amount for days, amount in days_and_outstanding if days > bucket)
        for bucket in PAR_BUCKETS
    }
