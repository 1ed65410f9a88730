"""Effects of office-level decisions (filled in by the review issue)."""

from __future__ import annotations


def register() -> None:
    """Register this level's effects with decisions.effect_register."""
