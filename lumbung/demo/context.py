"""What each part of the demo gets: one cooperative, its staff, and the seeded random source."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from lumbung.core.money import SEN_PER_RUPIAH
from lumbung.tenancy.models import Cooperative, User


@dataclass
class DemoCooperative:
    cooperative: Cooperative
    # "manajer", "akuntan", "teller" -> the demo user with that role
    staff: dict[str, User]
    rng: random.Random
    today: dt.date
    # Whatever one part of the demo hands to a later one (members, accounts, ...).
    extra: dict[str, Any] = field(default_factory=dict)


def rupiah(rng: random.Random, low: int, high: int) -> int:
    """A round amount (to Rp1.000) between low and high Rupiah, in sen."""
    return rng.randint(low // 1000, high // 1000) * 1000 * SEN_PER_RUPIAH
