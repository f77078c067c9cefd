"""Registry of end-of-day steps. Apps register steps in their `steps.py`:

    @eod_step("ledger.checkpoint", order=900)
    def checkpoint(cooperative, business_date, acting_user) -> dict: ...

A step runs inside one transaction together with the row that marks it done, so a crash leaves
it either fully done or not at all; a rerun skips the done ones. Steps must be safe to run
again after a crash outside their transaction (use idempotency keys for postings).
`monthly=True` steps run only on the last day of a month.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

StepFunction = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    function: StepFunction
    monthly: bool = False


STEPS: dict[str, Step] = {}


def eod_step(
    name: str, *, order: int, monthly: bool = False
) -> Callable[[StepFunction], StepFunction]:
    def register(function: StepFunction) -> StepFunction:
        STEPS[name] = Step(name=name, order=order, function=function, monthly=monthly)
        return function

    return register


def ordered_steps() -> list[Step]:
    return sorted(STEPS.values(), key=lambda step: (step.order, step.name))


def load_step_modules() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("lumbung."):
            try:
                importlib.import_module(f"{config.name}.steps")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.steps":
                    raise
