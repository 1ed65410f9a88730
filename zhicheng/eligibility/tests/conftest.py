"""Fixtures for the Django-side tests of eligibility (defined in helpers.py; the rule tests need none)."""

from zhicheng.audit.testing import audit_flushable  # noqa: F401

from .helpers import applicant, campaign, dossier, fake_rules, inside_window, tree  # noqa: F401
