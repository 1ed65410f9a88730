"""Fixtures for publicity tests: the 2024 campaign, an organisation tree, and dossiers waiting for publicity."""

from __future__ import annotations

import pytest

from zhicheng.dossiers.tests.factories import at, campaign_2024, people

from .factories import passed_dossier


@pytest.fixture
def campaign(db):
    return campaign_2024()


@pytest.fixture
def tree(db):
    return people()


@pytest.fixture
def passed(campaign, tree):
    """A dossier of the unit's applicant, passed by the unit and waiting for publicity."""
    return passed_dossier(tree["applicant"], campaign)


@pytest.fixture
def clock():
    return at
