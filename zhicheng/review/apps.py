from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "zhicheng.review"
    label = "review"

    def ready(self) -> None:
        from .guards import guards_connect  # importing it registers review's workflow guards
        from .notify import notify_connect
        from .return_editor import return_marks_connect
        from .services import register_effects

        register_effects()
        guards_connect()
        notify_connect()
        return_marks_connect()  # the open return's requests marked on the applicant's rows
        from zhicheng.dossiers.hooks import detail_read_register

        from .selectors_unit import detail_read

        detail_read_register(detail_read)  # the decision panel's one-to-ones joined to the page's dossier read
