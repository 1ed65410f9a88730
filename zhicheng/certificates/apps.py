from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "zhicheng.certificates"
    label = "certificates"
    verbose_name = "评审结果与证书"

    def ready(self) -> None:
        from . import guards  # noqa: F401  (registers title_document_approved, revocation_recorded)
