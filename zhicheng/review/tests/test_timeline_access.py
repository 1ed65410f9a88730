"""Staff reads are audited (access.read) but are not steps of the dossier: the timeline leaves them out."""

import pytest
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.audit.models import AuditEvent
from zhicheng.review.selectors import dossier_timeline

from .factories_chain import recommended_dossier

pytestmark = pytest.mark.django_db


def test_a_clerks_read_is_audited_but_not_on_the_timeline(client, tree, campaign):
    dossier = recommended_dossier(tree, campaign, through_decision=True, when="2024-11-01T10:00:00+08:00")
    before = [(e.when, e.what) for e in dossier_timeline(dossier)]
    clerk = tree["department_clerk"]
    login_verified(client, clerk)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    assert AuditEvent.objects.filter(event_type="access.read", actor_id=clerk.pk, object_id=str(dossier.pk)).exists()
    assert [(e.when, e.what) for e in dossier_timeline(dossier)] == before
