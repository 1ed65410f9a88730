from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "zhicheng.committees"
    label = "committees"
    verbose_name = "评审委员会"

    def ready(self) -> None:
        from zhicheng.dossiers.recusal import RELATION_SOURCES
        from zhicheng.notifications.recipients import recipient_filter_register

        from . import guards  # noqa: F401  (registers the evaluation steps' guards)
        from .conflicts import recipient_allowed, relation_source

        if relation_source not in RELATION_SOURCES:
            RELATION_SOURCES.append(relation_source)
        recipient_filter_register(recipient_allowed)
