"""Periods count their re-opens; the period rule lets the board's audited re-open through.

The rules are lifted first (on SQLite the new column rebuilds the table, which the triggers
naming it would break) and installed again, in their new form, after.
"""

from django.db import migrations, models


def uninstall(apps, schema_editor):
    from lumbung.ledger.sql import uninstall as uninstall_rules

    uninstall_rules(schema_editor)


def install(apps, schema_editor):
    from lumbung.ledger.sql import install as install_rules

    install_rules(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_approval_idempotency_key"),
    ]

    operations = [
        migrations.RunPython(uninstall, install),
        migrations.AddField(
            model_name="accountingperiod",
            name="reopen_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(install, uninstall),
    ]
