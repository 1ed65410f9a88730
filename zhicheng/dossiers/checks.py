"""System check: every guard a workflow row names is registered (`manage.py check` fails at start-up otherwise)."""

from __future__ import annotations

from django.core import checks


def workflow_guards_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .guards import guards_missing
    from .workflow import TRANSITIONS

    errors = []
    for (before, after), transition in TRANSITIONS.items():
        for name in guards_missing(transition.guards):
            errors.append(checks.Error(
                f"Workflow row {before} → {after} ({transition.name}) names the guard {name!r}, "
                "which no app registered.",
                hint="Register it with dossiers.guards.guard_register in the owning app's guards.py.",
                id="dossiers.E001",
            ))
    return errors
