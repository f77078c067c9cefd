from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lumbung.reports"
    label = "reports"
    verbose_name = "Laporan keuangan"
