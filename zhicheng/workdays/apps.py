from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "zhicheng.workdays"
    label = "workdays"
