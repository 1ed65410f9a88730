"""Fixtures for review tests (shared by the unit, department and office parts): campaign, people, clock."""

from __future__ import annotations

import pytest

from zhicheng.audit.testing import audit_flushable  # noqa: F401

from .factories import INSIDE, at, campaign_2024, review_people


@pytest.fixture
def campaign(db):
    return campaign_2024()


@pytest.fixture
def tree(db):
    return review_people()


@pytest.fixture
def applicant(tree):
    return tree["applicant"]


@pytest.fixture
def inside_window():
    with at(INSIDE):
        yield


@pytest.fixture
def no_eligibility_gate():
    """Set the eligibility_clear guard aside (these tests are about returns, not eligibility; it has its own)."""
    from zhicheng.dossiers.guards import guard_overridden

    with guard_overridden("eligibility_clear"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Stored files (the sealed conduct statement) go to a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
