"""Loans and sharia financing: products, schedules, approvals, repayments, collectibility."""
import importlib

from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "lumbung.loans"
    label = "loans"
    verbose_name = "Pinjaman dan pembiayaan"

    def ready(self) -> None:
        # The conventional booking lives in accounting.py; the sharia contracts register theirs
        # from sharia.py (when present) so BOOKINGS is complete before any loan moves.
        importlib.import_module("lumbung.loans.accounting")
        try:
            importlib.import_module("lumbung.loans.sharia")
        except ModuleNotFoundError as exc:
            if exc.name != "lumbung.loans.sharia":
                raise
