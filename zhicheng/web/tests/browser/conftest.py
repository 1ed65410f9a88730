"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live_server.

The server runs in a thread of this process, so patching `django.utils.timezone.now` in a test moves the
server's clock too. Each xdist worker has its own live server and its own Chromium.
"""

from __future__ import annotations

import os

import pytest

from zhicheng.audit.testing import audit_flushable  # noqa: F401

CHROMIUM = os.environ.get("ZHICHENG_CHROMIUM", "/usr/bin/chromium")
# Headless as root on a closed network: without the background-networking flags Chromium's own
# connections (updates, sync, Google look-ups) are refused and slow every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000  # Playwright's auto-waiting limit per action/expectation, generous for a loaded CI machine


@pytest.fixture(scope="package")
def _async_unsafe_allowed():
    """The sync Playwright API keeps an asyncio loop running on the main thread while it is started, so
    Django would refuse ORM calls from the test itself; allow them only while the browser is up."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed):
    """One headless Chromium per worker for the whole browser suite (package scope: stopping Playwright at
    the end gives the main thread back, loop-free, to the tests that run after it)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (`apt-get install -y chromium`, "
                    "which `make install` does as root). The browser suite must run, so this is a failure.",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The Python package `playwright` is missing: run `make install`.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, audit_flushable, catalog_reseeded):  # noqa: F811
    """A fresh browser context (no cookies) on the live server, asking for Chinese like a browser in China."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
