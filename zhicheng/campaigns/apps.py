from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zhicheng.campaigns"
    label = "campaigns"
