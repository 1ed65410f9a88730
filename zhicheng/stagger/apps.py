from django.apps import AppConfig


class StaggerConfig(AppConfig):
    name = "zhicheng.stagger"
    label = "stagger"
    verbose_name = "错峰申报"
