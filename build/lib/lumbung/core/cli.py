"""Shared pieces of Lumbung's management commands: language, cooperative lookup, dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from lumbung.core.errors import LumbungError
from lumbung.tenancy.models import Cooperative


class LumbungCommand(BaseCommand):
    """Adds --lang (id default, en) and turns LumbungError into a readable non-zero exit."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--lang", choices=["id", "en"], default="id",
                            help="bahasa keluaran / output language")
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        self.lang = options.get("lang") or "id"
        with translation.override(self.lang):
            try:
                return super().execute(*args, **options)
            except LumbungError as exc:
                raise CommandError(f"[{exc.code}] {exc.message_in(self.lang)}") from exc

    def say(self, indonesian: str, english: str) -> str:
        return english if self.lang == "en" else indonesian


def cooperative_by_code(code: str) -> Cooperative:
    cooperative = Cooperative.objects.select_related("office").filter(code=code).first()
    if cooperative is None:
        raise LumbungError("UNKNOWN_COOPERATIVE", code=code)
    return cooperative


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise LumbungError("BAD_DATE", value=value) from exc
