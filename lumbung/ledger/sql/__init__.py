"""Database-enforced ledger rules, one SQL file per engine (statements split on "-- ;;")."""

from __future__ import annotations

import re
from typing import Any
from pathlib import Path

HERE = Path(__file__).parent


def statements(vendor: str) -> list[str]:
    text = (HERE / f"{vendor}.sql").read_text(encoding="utf-8")
    return [part.strip() for part in re.split(r"^-- ;;$", text, flags=re.MULTILINE) if part.strip()]


def install(schema_editor: Any) -> None:
    for statement in statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


# The triggers verify checks are installed (a rogue administrator may drop them).
EXPECTED_TRIGGERS = {
    "sqlite": {
        "ledger_entry_no_update", "ledger_entry_no_delete", "ledger_line_no_update",
        "ledger_line_no_delete", "ledger_checkpoint_no_update", "ledger_checkpoint_no_delete",
        "ledger_entry_guard", "ledger_line_guard",
    },
    "postgresql": {
        "ledger_entry_append_only", "ledger_line_append_only", "ledger_checkpoint_append_only",
        "ledger_entry_guard", "ledger_line_guard", "ledger_entry_balanced", "ledger_line_balanced",
    },
}
