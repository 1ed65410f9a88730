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
