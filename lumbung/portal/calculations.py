"""Pure helpers of the member's app (no ORM): PIN rules, phone shapes, signatures."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re

PIN_LENGTH = 6


def pin_acceptable(pin: str) -> bool:
    """Six digits, not one digit repeated and not a straight run up or down (123456, 987654)."""
    if len(pin) != PIN_LENGTH or not pin.isdigit() or not pin.isascii():
        return False
    if len(set(pin)) == 1:
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    return steps not in ({1}, {9})


def normalize_phone(text: str) -> str:
    """An Indonesian mobile number in the 08… shape ("+62 812-3456" → "0812 3456" digits), or ""."""
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    if not digits.startswith("08") or not 9 <= len(digits) <= 14:
        return ""
    return digits


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(secret: str, message: bytes, signature: str) -> bool:
    """Compare an HMAC-SHA256 hex signature in constant time."""
    return hmac.compare_digest(hmac_sha256_hex(secret, message), signature.strip().lower())
