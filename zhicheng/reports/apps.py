from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zhicheng.reports"
    label = "reports"
    verbose_name = "统计、导出与归档"
