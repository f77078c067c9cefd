from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "lumbung.loans"
    label = "loans"
    verbose_name = "Pinjaman dan pembiayaan"
