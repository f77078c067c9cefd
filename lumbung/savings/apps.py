from django.apps import AppConfig


class SavingsConfig(AppConfig):
    name = "lumbung.savings"
    label = "savings"
    verbose_name = "Simpanan"
