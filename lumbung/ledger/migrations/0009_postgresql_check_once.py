"""Install the ledger's database rules again: on PostgreSQL the commit-time balance check sums
each entry once, not once per line (the per-line sums cost the square of an entry's lines)."""

from django.db import migrations


def install(apps, schema_editor):
    from lumbung.ledger.sql import install as install_rules

    install_rules(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_sqlite_running_tally"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
