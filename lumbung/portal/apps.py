from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lumbung.portal"
    label = "portal"
    verbose_name = "Aplikasi anggota"
