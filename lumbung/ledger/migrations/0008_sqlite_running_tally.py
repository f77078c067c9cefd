"""Install the ledger's database rules again: on SQLite each line now updates a running tally
of its open entry instead of re-summing the entry (constant time per line, not quadratic)."""

from django.db import migrations


def install(apps, schema_editor):
    from lumbung.ledger.sql import install as install_rules

    install_rules(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_period_reopen_count"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
