import pytest

from zhicheng.dossiers.models import DossierState

from .helpers import issued

pytestmark = pytest.mark.django_db


def test_smoke(tree, result):
    document = issued(tree, [result])
    result.refresh_from_db()
    assert result.state == DossierState.CONFERRED
    cert = document.certificates.get()
    assert cert.issued_at is not None
