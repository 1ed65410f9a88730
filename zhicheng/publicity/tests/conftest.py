"""Fixtures for publicity tests: the 2024 campaign, an organisation tree, and dossiers waiting for publicity."""

from __future__ import annotations

import pytest

from zhicheng.dossiers.tests.conftest import campaign, tree  # noqa: F401
from zhicheng.dossiers.tests.factories import at

from .factories import passed_dossier


@pytest.fixture
def passed(campaign, tree):  # noqa: F811 (fixtures imported above)
    """A dossier of the unit's applicant, passed by the unit and waiting for publicity."""
    return passed_dossier(tree["applicant"], campaign)


@pytest.fixture
def clock():
    return at
