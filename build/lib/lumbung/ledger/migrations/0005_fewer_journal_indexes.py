"""Drop single-column foreign-key indexes that a composite index or constraint already covers.

Measured in bench/: each index is one more B-tree page written per journal line. Done as plain
DROP INDEX rather than AlterField, because on SQLite an AlterField rebuilds the table, which
would also drop the ledger's triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column) of the indexes Django created for these foreign keys.
INDEXES = [
    ("ledger_journalentry", "cooperative_id"),
    ("ledger_journalentry", "maker_id"),
    ("ledger_journalentry", "approved_by_id"),
    ("ledger_journalline", "cooperative_id"),
    ("ledger_journalline", "entry_id"),
    ("ledger_journalline", "account_id"),
]


def drop_indexes(apps, schema_editor):
    for table, column in INDEXES:
        name = schema_editor._create_index_name(table, [column])
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    for table, column in INDEXES:
        name = schema_editor._create_index_name(table, [column])
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} ON {schema_editor.quote_name(table)} "
            f"({schema_editor.quote_name(column)})"
        )


def fk(to, related_name, **extra):
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
        to=to, **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_database_rules_reinstall"),
        ("tenancy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry", name="approved_by",
                    field=fk(settings.AUTH_USER_MODEL, "+", blank=True, null=True),
                ),
                migrations.AlterField(
                    model_name="journalentry", name="cooperative",
                    field=fk("tenancy.cooperative", "entries"),
                ),
                migrations.AlterField(
                    model_name="journalentry", name="maker",
                    field=fk(settings.AUTH_USER_MODEL, "+", null=True),
                ),
                migrations.AlterField(
                    model_name="journalline", name="account",
                    field=fk("ledger.account", "lines"),
                ),
                migrations.AlterField(
                    model_name="journalline", name="cooperative",
                    field=fk("tenancy.cooperative", "+"),
                ),
                migrations.AlterField(
                    model_name="journalline", name="entry",
                    field=fk("ledger.journalentry", "lines"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        )
    ]
