"""Fixtures for dossier tests: the 2024 campaign, an organisation tree, applicants, reviewers and a clock."""

from __future__ import annotations

import pytest

from zhicheng.audit.testing import audit_flushable  # noqa: F401

from .factories import at, campaign_2024, people


@pytest.fixture
def campaign(db):
    return campaign_2024()


@pytest.fixture
def tree(db):
    return people()


@pytest.fixture
def applicant(tree):
    return tree["applicant"]


@pytest.fixture
def inside_window():
    """The server clock at 2024-10-01 10:00 (+08:00), inside the 2024 submission window."""
    with at("2024-10-01T10:00:00+08:00"):
        yield


@pytest.fixture
def dossier(campaign, applicant, inside_window):
    from .factories import dossier_for

    return dossier_for(applicant, campaign)


@pytest.fixture(autouse=True)
def _eligibility_set_aside():
    """These tests are about the dossier alone; the eligibility_clear guard is tested in the eligibility app."""
    from zhicheng.dossiers.guards import guard_overridden

    with guard_overridden("eligibility_clear"):
        yield
