"""Fixtures for evaluation tests: the 2024 campaign, people with a committee, stored files in a temporary folder."""

from __future__ import annotations

import pytest

from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.review.tests.factories import campaign_2024, review_people

from .factories import evaluation_people


@pytest.fixture
def campaign(db):
    return campaign_2024()


@pytest.fixture
def tree(db):
    return evaluation_people(review_people())


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
