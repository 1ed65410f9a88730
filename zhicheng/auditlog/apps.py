from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "zhicheng.auditlog"
    label = "auditlog"
