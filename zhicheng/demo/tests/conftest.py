"""The demo seeded once per test module (seed_demo is slow), rolled back afterwards."""

from __future__ import annotations

import pytest
from django.db import transaction

from zhicheng.demo.seeding import seed_demo


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo once for the module (it is slow), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)
