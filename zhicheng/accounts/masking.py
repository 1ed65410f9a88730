"""How a person's ID or phone number is shown where the full number is not needed: the one masking rule of every
list, export and page (6201**********123X, 139****5678)."""

from __future__ import annotations


def masked(value: object, head: int = 4, tail: int = 4) -> str:
    """Enough of the number to recognise the person, not enough to copy; a short value is hidden whole."""
    text = str(value or "")
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]
