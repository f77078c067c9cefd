from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_charts(**_kwargs: Any) -> None:
    """After every migrate, existing cooperatives get the accounts a newer template adds."""
    from lumbung.ledger.services import chart_of_accounts_sync
    from lumbung.tenancy.models import Cooperative

    for cooperative in Cooperative.objects.all():
        chart_of_accounts_sync(cooperative=cooperative, acting_user=None)


class LedgerConfig(AppConfig):
    name = "lumbung.ledger"
    label = "ledger"
    verbose_name = "Buku besar"

    def ready(self) -> None:
        post_migrate.connect(_sync_charts, sender=self, dispatch_uid="ledger.sync_charts")
