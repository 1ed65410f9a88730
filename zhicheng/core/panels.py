"""A panel: one app's part of a page that `web` composes (the template and its context for this viewer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    """What an app shows on a composed page: its template and the context to render it with."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# An app's panel function: for this request's viewer and this object, the panel to show, or None to show nothing.
PanelFunc = Callable[[HttpRequest, Any], Panel | None]
