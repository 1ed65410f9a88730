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
        from zhicheng.dossiers.hooks import detail_read_register

        from . import conflicts, panels

        detail_read_register(conflicts.detail_read)  # the viewer's recorded conflict, in the page's dossier read
        detail_read_register(panels.detail_read)  # the evaluation result, joined to it
        recipient_filter_register(recipient_allowed)
