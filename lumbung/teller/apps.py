from django.apps import AppConfig


class TellerConfig(AppConfig):
    name = "lumbung.teller"
    label = "teller"
    verbose_name = "Kasir"
