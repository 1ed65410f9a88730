from django.apps import AppConfig


class NoticeboardConfig(AppConfig):
    name = "zhicheng.noticeboard"
    label = "noticeboard"
    verbose_name = "通知公告栏"
