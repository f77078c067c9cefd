from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lumbung.api"
    label = "api"
    verbose_name = "API"
