from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "zhicheng.files"
    label = "files"
    verbose_name = "文件"
