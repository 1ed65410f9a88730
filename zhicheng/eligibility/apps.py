from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "zhicheng.eligibility"
    label = "eligibility"
