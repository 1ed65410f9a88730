from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "zhicheng.audit"
    label = "audit"

    def ready(self) -> None:
        from .triggers import lanes_after_migrate, reinstall_after_flush

        post_migrate.connect(reinstall_after_flush, sender=self, dispatch_uid="audit_reinstall_triggers")
        post_migrate.connect(lanes_after_migrate, sender=self, dispatch_uid="audit_lanes_ensure")
