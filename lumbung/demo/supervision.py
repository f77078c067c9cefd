"""The demo's Dinas part: the city's registry, rollout and uploaded figures, after the
on-platform cooperatives are built."""

from __future__ import annotations

import datetime as dt
import random

from lumbung.tenancy.models import SupervisorOffice


def build(*, office: SupervisorOffice, rng: random.Random, today: dt.date) -> None:
    """The rest of the city around the on-platform cooperatives."""
