"""Bulk publishing commits one dossier at a time: a failure in the middle leaves the others published."""

from __future__ import annotations

from unittest import mock

import pytest

from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.dossiers.tests.factories import campaign_2024, people
from zhicheng.publicity.models import PublicityBatch, PublicityEntry
from zhicheng.publicity.services import batches

from .factories import passed_dossier, published


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing_index", [0, 1])
def test_one_failure_keeps_the_others(audit_flushable, catalog_reseeded, failing_index):  # noqa: F811
    tree, campaign = people(), campaign_2024()
    dossiers = [passed_dossier(tree[k], campaign) for k in ("applicant", "other_applicant")]
    bad, good = dossiers[failing_index], dossiers[1 - failing_index]
    real = batches.dossier_transition

    def failing(*, dossier, **kwargs):
        if dossier.pk == bad.pk:
            raise ApplicationError("boom", "模拟失败", "simulated failure", status=409)
        return real(dossier=dossier, **kwargs)

    with mock.patch.object(batches, "dossier_transition", side_effect=failing):
        result = published(tree["unit_clerk"], dossiers, "2024-10-08")
    assert [d.pk for d in result.published] == [good.pk] and result.skipped[0].refusal.code == "boom"
    states = dict(Dossier.objects.values_list("pk", "state"))
    assert states == {good.pk: DossierState.IN_PUBLICITY, bad.pk: DossierState.UNIT_PASSED}
    assert list(PublicityEntry.objects.values_list("dossier_id", flat=True)) == [good.pk]
    # a batch opened in the failed dossier's transaction went with it: one batch, never an empty one
    assert PublicityBatch.objects.count() == 1 and PublicityBatch.objects.get().entries.count() == 1
