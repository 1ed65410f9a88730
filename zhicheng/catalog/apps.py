from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhicheng.catalog"
    label = "catalog"
