from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhicheng.api"
    label = "api"
