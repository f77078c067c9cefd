import importlib

from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "lumbung.core"
    label = "core"

    def ready(self) -> None:
        # Each domain app defines its refusal codes in its own `errors` module.
        for config in apps.get_app_configs():
            if config.name.startswith("lumbung."):
                try:
                    importlib.import_module(f"{config.name}.errors")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.errors":
                        raise
