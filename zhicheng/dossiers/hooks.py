"""Notices dossiers sends to the apps above it (which it must not import).

`dossier_changed` is sent after every change of a dossier's content or target (inside the change's transaction);
eligibility listens and re-evaluates. What may happen to a dossier's state is decided by the named guards of
workflow.py's rows (guards.py), and what follows a change of state by `workflow.dossier_state_changed`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

dossier_changed = Signal()  # keyword arguments: dossier, actor

# The eligibility state shown beside a dossier ("not_checked" until the eligibility app answers):
# each provider is called as provider(dossier=) and returns one of ELIGIBILITY_STATES or None.
ELIGIBILITY_STATES = ("not_checked", "eligible", "blocked", "incomplete", "outdated")
ELIGIBILITY_STATUS: list[Callable[..., str | None]] = []


def eligibility_status(*, dossier) -> str:
    for provider in list(ELIGIBILITY_STATUS):
        status = provider(dossier=dossier)
        if status:
            return status
    return "not_checked"
