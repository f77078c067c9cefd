"""The demo's reports part: see demo/services.py for when each function runs."""

from __future__ import annotations

from lumbung.demo.context import DemoCooperative


def today(demo: DemoCooperative) -> None:
    """After the cooperative's history is built."""
