from django.apps import AppConfig


class SocialSecurityConfig(AppConfig):
    name = "zhicheng.socialsecurity"
    label = "socialsecurity"
    verbose_name = "社保数据核验"

    def ready(self) -> None:
        from zhicheng.dossiers.hooks import detail_read_register

        from .panels import detail_read

        detail_read_register(detail_read)  # whether a current check exists, in the dossier page's read
