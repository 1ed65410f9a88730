from django.apps import AppConfig


class SocialSecurityConfig(AppConfig):
    name = "zhicheng.socialsecurity"
    label = "socialsecurity"
    verbose_name = "社保数据核验"
