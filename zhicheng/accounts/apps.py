from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhicheng.accounts"
    label = "accounts"
