"""Rules as data: the YAML files under rules/, each with its version, source and confidence."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lumbung.core.errors import LumbungError

RULES_DIR = Path(__file__).parent / "rules"


def _load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@cache
def registry_rules() -> dict[str, Any]:
    return _load(RULES_DIR / "registry.yaml")


@cache
def warning_rules() -> dict[str, Any]:
    return _load(RULES_DIR / "warnings.yaml")


@cache
def figures_map() -> dict[str, Any]:
    return _load(RULES_DIR / "figures.yaml")


@cache
def rulesets() -> dict[str, dict[str, Any]]:
    """Every health-rating rule set, by name."""
    found = (_load(path) for path in sorted((RULES_DIR / "health").glob("*.yaml")))
    return {ruleset["name"]: ruleset for ruleset in found}


def ruleset(name: str) -> dict[str, Any]:
    try:
        return rulesets()[name]
    except KeyError:
        raise LumbungError("SUPERVISION_UNKNOWN_RULESET", name=name,
                           choices=", ".join(sorted(rulesets()))) from None


def default_ruleset_name(kind: str) -> str:
    """The current method for a kind of cooperative: the first rule set marked default for it."""
    for name, data in rulesets().items():
        if kind in data.get("default_for", []):
            return name
    return next(iter(rulesets()))
