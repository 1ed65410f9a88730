"""Fixtures every app's tests share."""

from __future__ import annotations

import pytest

from zhicheng.core.selectors import calendar_cache_clear


@pytest.fixture(autouse=True)
def _empty_calendar_cache():
    # the calendar cache is per process and test transactions roll back without telling it
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture(autouse=True)
def _empty_django_cache():
    # cached fragments and choices (issue 11) would outlive the rolled-back rows they were read from
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_stale_audit_anchor():
    # the anchor file lives outside the database, so a test's rollback does not remove its anchors
    yield
    from pathlib import Path

    from django.conf import settings

    Path(settings.ZHICHENG_AUDIT_ANCHOR_FILE).unlink(missing_ok=True)


@pytest.fixture
def catalog_reseeded(transactional_db):
    """For transaction=True tests: an earlier such test's flush emptied the catalog its migration seeded."""
    import importlib

    from django.apps import apps

    from zhicheng.catalog.models import Series

    if not Series.objects.exists():
        for migration in ("0002_seed_catalog", "0003_titles_of_other_series"):
            importlib.import_module(f"zhicheng.catalog.migrations.{migration}").seed(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _certificate_signing_keys():
    """The office's demo signing keys in the test settings' temporary folder (certificates sign and verify)."""
    from pathlib import Path

    from django.conf import settings

    from zhicheng.certificates.keys import keys_demo_generate, keys_reset

    keys_demo_generate(Path(settings.ZHICHENG_CERT_KEY_DIR))
    keys_reset()
