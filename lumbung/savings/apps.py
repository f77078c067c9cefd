"""Savings products and accounts: pokok, wajib, sukarela, berjangka, wadiah, mudharabah."""
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_products(**_kwargs: Any) -> None:
    """After migrate, cooperatives registered before this app get the default products."""
    from lumbung.savings.models import SavingsProduct
    from lumbung.savings.services import savings_products_install
    from lumbung.tenancy.models import Cooperative

    for cooperative in Cooperative.objects.exclude(
        pk__in=SavingsProduct.objects.values("cooperative_id")
    ):
        savings_products_install(cooperative=cooperative, acting_user=None)


class SavingsConfig(AppConfig):
    name = "lumbung.savings"
    label = "savings"
    verbose_name = "Simpanan"

    def ready(self) -> None:
        post_migrate.connect(_install_products, sender=self,
                             dispatch_uid="savings.install_products")
