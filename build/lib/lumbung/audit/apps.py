from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lumbung.audit"
    label = "audit"
    verbose_name = "Log audit"
