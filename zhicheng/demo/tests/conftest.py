"""The demo seeded once per test module (seed_demo is slow), rolled back afterwards."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from zhicheng.demo.seeding import seed_demo


@pytest.fixture(scope="module", autouse=True)
def previews_queued_not_made():
    """Queue tasks without running them, as the database queue does until a worker runs: every seed stores a few
    hundred evidence files, and making each preview starts a renderer process (half an hour per module under
    load). These tests check what was seeded; previews are tested in zhicheng/files and publicity."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        yield


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo once for the module (it is slow), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)
