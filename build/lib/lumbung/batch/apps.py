from django.apps import AppConfig


class BatchConfig(AppConfig):
    name = "lumbung.batch"
    label = "batch"
    verbose_name = "Proses akhir hari"

    def ready(self) -> None:
        # Each app registers its end-of-day steps in its own `steps` module.
        from lumbung.batch import registry

        registry.load_step_modules()
