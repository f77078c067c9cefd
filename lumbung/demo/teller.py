"""The demo's teller part: see demo/services.py for when each function runs."""

from __future__ import annotations

from lumbung.demo.context import DemoCooperative


def opening(demo: DemoCooperative) -> None:
    """Before the first business day."""


def day(demo: DemoCooperative) -> None:
    """One business day's activity (before that day's end of day)."""


def today(demo: DemoCooperative) -> None:
    """Open work left for the demo's today."""
