"""Test support: let a transaction=True test's closing flush empty the append-only audit table; read a page's
visible text to check that no event code is shown.

Flush: use `from zhicheng.audit.testing import audit_flushable  # noqa: F401` in the test module, then request
`audit_flushable` in a test marked `django_db(transaction=True)`. The triggers stay in force during the test.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from .triggers import append_only_remove


@pytest.fixture
def audit_flushable(transactional_db):
    """Drop the audit triggers after the test so the flush can run; post_migrate puts them back."""
    yield
    append_only_remove()


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style") and self._hidden > 0

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a person reads on a page: its text, without tags, attribute values (option values), scripts."""
    parser = _TextOnly()
    parser.feed(html)
    return " ".join(parser.parts)


def shown_event_codes(text: str) -> list[str]:
    """The stored event-type codes that appear in a page's visible text (there should be none)."""
    from .events import EventType

    return [code for code in EventType.values if code in text]


# What one audited staff read adds to a request inside a test transaction: SAVEPOINT, lane lock (never waits),
# INSERT (the lane head moves with it: its trigger), RELEASE (decision 58). Query budgets of staff read endpoints
# add it explicitly.
AUDITED_READ_QUERIES = 4
