"""Who may be told about an object: apps above register filters (a recused expert is never told about the candidate).

`recipient_filter_register(fn)`: `fn(user, obj, event_type) -> bool`, False drops that recipient. The committee
work registers the recusal predicate (dossiers/recusal.py) here; every notification passes through all filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RecipientFilter = Callable[[Any, Any, str], bool]
RECIPIENT_FILTERS: list[RecipientFilter] = []


def recipient_filter_register(fn: RecipientFilter) -> RecipientFilter:
    if fn not in RECIPIENT_FILTERS:
        RECIPIENT_FILTERS.append(fn)
    return fn


def recipients_allowed(recipients: Iterable, obj, event_type: str) -> list:
    """The distinct active recipients every registered filter lets through, in the order given."""
    seen, allowed = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if all(check(user, obj, event_type) for check in RECIPIENT_FILTERS):
            allowed.append(user)
    return allowed
