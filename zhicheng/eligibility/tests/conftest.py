"""Fixtures for the Django-side tests of eligibility (the rule tests need none): the dossier tests' own, plus
the stand-in rule set and a filled dossier from helpers.py."""

from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.dossiers.tests.conftest import applicant, campaign, inside_window, tree  # noqa: F401

from .helpers import dossier, fake_rules  # noqa: F401
