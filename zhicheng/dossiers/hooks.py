"""The notice dossiers sends to the apps above it (which it must not import).

`dossier_changed` is sent after every change of a dossier's content or target (inside the change's transaction);
eligibility listens, re-evaluates and stores what it found beside the dossier (`Dossier.eligibility_status`).
What may happen to a dossier's state is decided by the named guards of workflow.py's rows (guards.py), and what
follows a change of state listens to `workflow.dossier_state_changed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

dossier_changed = Signal()  # keyword arguments: dossier, actor


@dataclass(frozen=True)
class ChangeRequests:
    """What an app above asks the applicant to change now, row by row: shown in place on the dossier's pages.

    `by_target` maps (section, row id) — (section, None) for a whole section, ("", None) for the dossier — to
    the requests' texts; `deadline` is when the answer is due; `returned_by` names the organisation that asked,
    `items` lists (where, what) in words for the applicant's dashboard and guidance.
    """

    title: str
    deadline: dt.datetime | None
    by_target: dict[tuple[str, int | None], list[str]] = field(default_factory=dict)
    returned_by: str = ""
    returned_at: dt.datetime | None = None
    items: tuple[tuple[str, str], ...] = ()


# Registered by the apps above (review: the open return), asked by the dossier's pages
CHANGE_REQUEST_PROVIDERS: list[Callable[[Any], ChangeRequests | None]] = []


def change_requests_for(dossier) -> list[ChangeRequests]:
    """Every open request to change this dossier (an open return), from the registered providers."""
    found = (provider(dossier) for provider in CHANGE_REQUEST_PROVIDERS)
    return [requests for requests in found if requests is not None]


# Registered by the apps above: what their panels on the dossier's page read, joined to the page's one read of the
# dossier (a one-to-one by select_related) or computed in it (an annotation), so that a panel with nothing to show
# costs no query of its own (issue 11's query budget). Each takes the query and the viewer and returns the query.
DETAIL_READS: list[Callable[[Any, Any], Any]] = []


def detail_read_register(read: Callable[[Any, Any], Any]) -> None:
    if read not in DETAIL_READS:
        DETAIL_READS.append(read)


def joined(dossier, name: str) -> tuple[bool, Any]:
    """(True, the row or None) when the page's read of the dossier joined the one-to-one `name`, else (False, None):
    the caller then reads it itself."""
    relation = type(dossier)._meta.get_field(name)
    if relation.is_cached(dossier):
        return True, relation.get_cached_value(dossier)
    return False, None
