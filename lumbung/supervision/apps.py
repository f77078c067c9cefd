from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "lumbung.supervision"
    label = "supervision"
    verbose_name = "Pengawasan Dinas"
