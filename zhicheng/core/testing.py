# mypy: disable-error-code="no-untyped-def"
"""Test support shared by every app's query budgets (issue 11): the helper is kept exactly as the brief gives it
(unannotated), hence the line above for the strictly typed core."""

from __future__ import annotations

_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(captured):
    """The statements a request sends, without savepoint control (production's BEGIN/COMMIT are not cursor queries)."""
    return [q for q in captured if not q["sql"].lstrip().upper().startswith(_CONTROL)]
