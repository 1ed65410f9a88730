from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "zhicheng.similarity"
    label = "similarity"
    verbose_name = "论文查重结果"
