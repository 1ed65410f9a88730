from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "zhicheng.dossiers"
    label = "dossiers"
