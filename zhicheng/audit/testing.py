"""Test support: let a transaction=True test's closing flush empty the append-only audit table.

Use: `from zhicheng.audit.testing import audit_flushable  # noqa: F401` in the test module, then request
`audit_flushable` in a test marked `django_db(transaction=True)`. The triggers stay in force during the test.
"""

from __future__ import annotations

import pytest

from .triggers import append_only_remove


@pytest.fixture
def audit_flushable(transactional_db):
    """Drop the audit triggers after the test so the flush can run; post_migrate puts them back."""
    yield
    append_only_remove()

# What one audited staff read adds to a request inside a test transaction: SAVEPOINT, lane lock (never waits),
# INSERT, head UPDATE, RELEASE (decision 36). Query budgets of staff read endpoints add it explicitly.
AUDITED_READ_QUERIES = 5
