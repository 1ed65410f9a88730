"""Test support shared by every app's query budgets (issue 11)."""

from __future__ import annotations

from typing import Any

_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(captured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements a request sends, without savepoint control (production's BEGIN/COMMIT are not cursor queries)."""
    return [q for q in captured if not q["sql"].lstrip().upper().startswith(_CONTROL)]
