"""Extension points for the apps above dossiers (eligibility, review), which dossiers must not import.

`dossier_changed` is sent after every change of a dossier's content or target (inside the change's
transaction); `SUBMIT_CHECKS` are called by `dossier_submit` inside its transaction, after the version is
frozen and before the state changes: a check refuses by raising ApplicationError.
"""

from __future__ import annotations

from collections.abc import Callable

from django.dispatch import Signal

dossier_changed = Signal()  # keyword arguments: dossier, actor

SUBMIT_CHECKS: list[Callable[..., None]] = []  # each called as check(dossier=, version=, actor=)


def submit_checks_run(*, dossier, version, actor) -> None:
    for check in list(SUBMIT_CHECKS):
        check(dossier=dossier, version=version, actor=actor)


# Answering a return (dossier_submit on a returned dossier), filled by the review app: RETURN_ANSWER_TARGET says
# which state the answer leads back to (the state the return came from; first non-None wins), read before the
# transition; `return_answered` is sent after it, inside the transaction, to record the answer (a receiver may
# still refuse by raising ApplicationError). Keyword arguments: dossier, version, actor.
RETURN_ANSWER_TARGET: list[Callable[..., str | None]] = []  # each called as target(dossier=)
return_answered = Signal()


def return_answer_target_run(*, dossier) -> str | None:
    for target in list(RETURN_ANSWER_TARGET):
        state = target(dossier=dossier)
        if state:
            return state
    return None


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
