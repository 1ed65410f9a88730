"""A submitted dossier with a CNKI-indexed core-journal paper (the filled row) and a non-indexed one."""

from __future__ import annotations

import datetime as dt

import pytest

from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.dossiers.models import Achievement
from zhicheng.review.tests.factories import campaign_2024, review_people, submitted_dossier


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def tree(db):
    return review_people()


@pytest.fixture
def dossier(tree):
    return submitted_dossier(tree["applicant"], campaign_2024())


@pytest.fixture
def indexed(dossier):
    return Achievement.objects.get(dossier=dossier, kind="paper")


@pytest.fixture
def unindexed(dossier):
    return Achievement.objects.create(dossier=dossier, kind="paper", title="未收录论文",
                                      achieved_on=dt.date(2024, 3, 1), journal="地方刊物", tier="provincial",
                                      cnki_indexed=False)


@pytest.fixture
def campaign_draft(tree):
    from zhicheng.dossiers.tests.factories import at, dossier_for

    with at("2024-10-01T10:00:00+08:00"):
        yield dossier_for(tree["applicant"], campaign_2024()), tree["applicant"]
