"""Install the ledger's database rules (append-only, balance, tenancy, closed periods).

The SQL lives in lumbung/ledger/sql/<vendor>.sql. Note for later migrations: on SQLite, Django
rebuilds a table to alter it, which drops its triggers; such a migration must run
`lumbung.ledger.sql.install` again (`lumbung verify` reports missing triggers).
"""

from django.db import migrations


def install(apps, schema_editor):
    from lumbung.ledger.sql import install as install_rules

    install_rules(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_initial"),
        ("audit", "0002_initial"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
