"""The one error type services raise; views and the API turn it into a message and a 4xx."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal a user can understand: a code, a Chinese and an English message, optional details."""

    status = 400

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str = "",
        *,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        self.details = details or {}
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        """The message in the active language (Chinese unless English was chosen)."""
        from django.utils.translation import get_language

        return self.message_en if (get_language() or "").startswith("en") else self.message_zh


class PermissionDenied(ApplicationError):
    status = 403


class NotFound(ApplicationError):
    status = 404


def validation_error_from_django(exc: Exception) -> ApplicationError:
    """Wrap a Django ValidationError raised by a model's clean() so it leaves as one 400."""
    details = getattr(exc, "message_dict", None) or {"__all__": list(getattr(exc, "messages", [str(exc)]))}
    first = next(iter(details.values()))[0] if details else str(exc)
    return ApplicationError("invalid", str(first), str(first), details=details)
