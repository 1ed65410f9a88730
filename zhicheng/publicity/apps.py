from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "zhicheng.publicity"
    label = "publicity"

    def ready(self) -> None:
        # dossiers may not import publicity: the workflow rows ask these guards through its hook table
        from zhicheng.dossiers import workflow

        from .guards import guard_close, guard_publish, guard_stop

        workflow.PUBLICITY_GUARDS.update({"publish": guard_publish, "close": guard_close, "stop": guard_stop})
