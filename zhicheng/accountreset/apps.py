from django.apps import AppConfig


class AccountResetConfig(AppConfig):
    name = "zhicheng.accountreset"
    label = "accountreset"
    verbose_name = "年度账号重置"

    def ready(self) -> None:
        # accounts may not import this app: it asks its registered checks before opening accounts
        from zhicheng.accounts import hooks

        from . import signals  # noqa: F401 - records every password set
        from .selectors import opening_check

        if opening_check not in hooks.ACCOUNT_OPENING_CHECKS:
            hooks.ACCOUNT_OPENING_CHECKS.append(opening_check)
