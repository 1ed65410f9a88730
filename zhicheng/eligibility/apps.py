from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "zhicheng.eligibility"
    label = "eligibility"

    def ready(self) -> None:
        # dossiers may not import eligibility: it announces changes and submission, eligibility listens
        from zhicheng.dossiers import hooks

        from .selectors import eligibility_status
        from .services import eligibility_submit_check, on_dossier_changed

        hooks.dossier_changed.connect(on_dossier_changed, dispatch_uid="eligibility_on_dossier_changed")
        if eligibility_submit_check not in hooks.SUBMIT_CHECKS:
            hooks.SUBMIT_CHECKS.append(eligibility_submit_check)  # type: ignore[arg-type]  # its result is unused
        if eligibility_status not in hooks.ELIGIBILITY_STATUS:
            hooks.ELIGIBILITY_STATUS.append(eligibility_status)
