from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "zhicheng.eligibility"
    label = "eligibility"

    def ready(self) -> None:
        # dossiers may not import eligibility: it announces changes, eligibility listens and registers its guard
        from zhicheng.dossiers import hooks

        from . import guards  # noqa: F401  (registers eligibility_clear)
        from .services import on_dossier_changed

        hooks.dossier_changed.connect(on_dossier_changed, dispatch_uid="eligibility_on_dossier_changed")
        from .selectors import detail_read

        hooks.detail_read_register(detail_read)  # whether overrides and exemptions exist, in the page's dossier read
