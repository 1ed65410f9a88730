from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "zhicheng.review"
    label = "review"

    def ready(self) -> None:
        from .services import register_effects

        register_effects()
