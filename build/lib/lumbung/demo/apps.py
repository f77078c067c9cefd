from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lumbung.demo"
    label = "demo"
    verbose_name = "Data demo"
