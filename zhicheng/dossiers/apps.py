from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "zhicheng.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        from django.core import checks

        from . import guards  # noqa: F401  (registers the guards dossiers owns)
        from .checks import workflow_guards_registered

        checks.register(workflow_guards_registered, "dossiers")
