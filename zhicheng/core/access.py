"""What a request read and what it was refused, noted where it happens and written once by the audit middleware.

Selectors and permission checks only note (a list in a context variable, no database write); after the
response, `zhicheng.audit.middleware.AccessAuditMiddleware` turns a request's notes into one audit row.
Outside a request (commands, tasks, tests calling selectors directly) nothing is collected.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

READ, DENIED = "read", "denied"


@dataclass(frozen=True)
class AccessNote:
    """One read of personal data by someone other than its owner, or one refusal, with what it concerned."""

    kind: str
    user: Any = None
    obj: Any = None
    organisation_id: int | None = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


_notes: ContextVar[list[AccessNote] | None] = ContextVar("zhicheng_access_notes", default=None)


def access_collect_begin() -> Token[list[AccessNote] | None]:
    return _notes.set([])


def access_collect_end(token: Token[list[AccessNote] | None]) -> list[AccessNote]:
    notes = _notes.get() or []
    _notes.reset(token)
    return notes


def _note(note: AccessNote) -> None:
    notes = _notes.get()
    if notes is not None:
        notes.append(note)


def access_read(user: Any, obj: Any, *, organisation_id: int | None = None, **detail: Any) -> None:
    """Note that `user` read `obj` (personal data that is not their own)."""
    _note(AccessNote(READ, user, obj, organisation_id, "", detail))


def access_denied(
    user: Any = None, obj: Any = None, *, reason: str = "", organisation_id: int | None = None, **detail: Any
) -> None:
    """Note a refusal: a permission decision that said no, or an object the user may not see."""
    _note(AccessNote(DENIED, user, obj, organisation_id, reason, detail))
