from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "zhicheng.publicity"
    label = "publicity"

    def ready(self) -> None:
        from . import guards  # noqa: F401  (registers publicity's workflow guards, per kind of publicity)
