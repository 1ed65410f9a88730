"""Permission answers that carry their reason, so a refusal can be explained to the user."""

from __future__ import annotations

from dataclasses import dataclass

from .access import access_denied
from .errors import PermissionDenied


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_zh: str = ""
    reason_en: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason_zh: str, reason_en: str) -> Decision:
    return Decision(False, reason_zh, reason_en)


def require(decision: Decision, code: str = "forbidden") -> None:
    """Raise a 403 ApplicationError with the decision's reason unless it allows."""
    if not decision.allowed:
        access_denied(reason=decision.reason_en or decision.reason_zh)
        raise PermissionDenied(code, decision.reason_zh, decision.reason_en)


def require_page(decision: Decision) -> None:
    """For pages: raise Django's PermissionDenied (the 403 page) with the reason in the active language."""
    if not decision.allowed:
        from django.core.exceptions import PermissionDenied as PageDenied

        access_denied(reason=decision.reason_en or decision.reason_zh)
        raise PageDenied(PermissionDenied("forbidden", decision.reason_zh, decision.reason_en).message)
