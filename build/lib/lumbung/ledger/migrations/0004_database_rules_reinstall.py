"""Install the ledger's database rules again (the SQL files are now reinstallable).

Adds: truncate guards on checkpoints and audit events, the two-line minimum with our own error
code, a closed period cannot be deleted on SQLite, deleting an open period works on PostgreSQL,
and on SQLite an entry left incomplete can no longer be committed.
"""

from django.db import migrations


def install(apps, schema_editor):
    from lumbung.ledger.sql import install as install_rules

    install_rules(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_database_rules"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
