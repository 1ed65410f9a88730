from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zhicheng.web"
    label = "web"
