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
