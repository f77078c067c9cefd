"""Database-enforced ledger rules, one SQL file per engine (statements split on "-- ;;").

`install` is safe to run again (the files drop each trigger before creating it), so a migration
that rebuilds a table, or an operator repairing a database, simply installs the rules again.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

HERE = Path(__file__).parent
TRIGGER_PATTERN = re.compile(r"^CREATE (?:CONSTRAINT )?TRIGGER (\w+)\s.*?\sON (\w+)", re.M | re.S)


def statements(vendor: str) -> list[str]:
    text = (HERE / f"{vendor}.sql").read_text(encoding="utf-8")
    return [part.strip() for part in re.split(r"^-- ;;$", text, flags=re.MULTILINE) if part.strip()]


@cache
def triggers(vendor: str) -> tuple[tuple[str, str], ...]:
    """(trigger name, table) of every trigger the rules of `vendor` create."""
    text = (HERE / f"{vendor}.sql").read_text(encoding="utf-8")
    return tuple((m.group(1), m.group(2)) for m in TRIGGER_PATTERN.finditer(text))


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Drop every rule trigger (for a migration that must rebuild a table, and for tests)."""
    vendor = schema_editor.connection.vendor
    for name, table in triggers(vendor):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


# The triggers verify checks are installed (a rogue administrator may drop or disable them).
EXPECTED_TRIGGERS = {vendor: {name for name, _ in triggers(vendor)}
                     for vendor in ("sqlite", "postgresql")}
