from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "lumbung.tenancy"
    label = "tenancy"
    verbose_name = "Tenansi dan pengguna"
