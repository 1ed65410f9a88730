from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhicheng.demo"
    label = "demo"
