"""A reviewer who is also an expert with a recorded conflict steps aside on the dossier's page: the conflict is
computed in the page's one read of the dossier (conflicts.detail_read), for that viewer only (issue 11)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import grant, login_verified
from zhicheng.review.tests.factories import submitted_dossier

from ..models import Conflict, ConflictSource
from .factories import expert_make

pytestmark = pytest.mark.django_db


def _page(user, dossier) -> str:
    client = Client()
    login_verified(client, user)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_conflicted_expert_reviewing_the_unit_gets_no_decision_form(tree, campaign):
    dossier = submitted_dossier(tree["applicant"], campaign)
    expert = expert_make(tree)
    grant(expert.user, tree["unit"], Role.REVIEW_CLERK)  # the unit's clerk is also in the expert pool
    assert 'id="recusal"' not in _page(expert.user, dossier)
    assert 'name="action"' in _page(expert.user, dossier)
    Conflict.objects.create(expert=expert, dossier=dossier, source=ConflictSource.DECLARED)
    page = _page(expert.user, dossier)
    assert 'id="recusal"' in page and "利害关系" in page and 'name="action"' not in page
    # the mark answers for its viewer only: the unit's other clerk still decides
    assert 'id="recusal"' not in _page(tree["unit_clerk"], dossier)
