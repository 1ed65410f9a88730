"""Model invariants: one active dossier per applicant and campaign, immutable versions, evidence rows."""

import pytest
from django.db import IntegrityError, transaction

from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier, DossierState, DossierVersion, EvidenceFile

from .factories import engineering

pytestmark = pytest.mark.django_db


def _row(applicant, campaign, organisation, state=DossierState.DRAFT):
    series, level = engineering()
    return Dossier.objects.create(
        applicant=applicant, campaign=campaign, organisation=organisation, series=series, level=level,
        route="self", state=state,
    )


class TestOneActiveDossier:
    def test_second_active_dossier_refused_by_the_database(self, campaign, tree):
        _row(tree["applicant"], campaign, tree["unit"])
        with pytest.raises(IntegrityError), transaction.atomic():
            _row(tree["applicant"], campaign, tree["unit"])

    def test_withdrawn_dossiers_do_not_count(self, campaign, tree):
        _row(tree["applicant"], campaign, tree["unit"], state=DossierState.WITHDRAWN)
        _row(tree["applicant"], campaign, tree["unit"], state=DossierState.WITHDRAWN)
        assert _row(tree["applicant"], campaign, tree["unit"]).pk


class TestVersionImmutable:
    def _version(self, dossier, applicant):
        from django.utils import timezone

        return DossierVersion.objects.create(
            dossier=dossier, number=1, snapshot={"a": 1}, sha256="0" * 64, created_by=applicant,
            created_at=timezone.now(),
        )

    def test_saving_again_is_refused(self, campaign, tree):
        dossier = _row(tree["applicant"], campaign, tree["unit"])
        version = self._version(dossier, tree["applicant"])
        version.snapshot = {"a": 2}
        with pytest.raises(ApplicationError) as exc:
            version.save()
        assert exc.value.code == "version_immutable"
        assert DossierVersion.objects.get(pk=version.pk).snapshot == {"a": 1}

    def test_delete_is_refused(self, campaign, tree):
        dossier = _row(tree["applicant"], campaign, tree["unit"])
        version = self._version(dossier, tree["applicant"])
        with pytest.raises(ApplicationError):
            version.delete()
        assert DossierVersion.objects.filter(pk=version.pk).exists()


def test_evidence_file_row_holds_its_facts(campaign, tree, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = str(tmp_path)
    dossier = _row(tree["applicant"], campaign, tree["unit"])
    row = EvidenceFile(
        dossier=dossier, section="education", item_id=1, kind="pdf", original_name="毕业证.pdf", size=3,
        sha256="a" * 64, uploaded_by=tree["applicant"],
    )
    row.file.save("x.pdf", ContentFile(b"abc"), save=True)
    assert row.file.name.startswith("evidence/")
    assert row.deleted_at is None
