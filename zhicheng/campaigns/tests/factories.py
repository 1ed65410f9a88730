"""A valid campaign's values (the 2024 notice's), to build campaigns in tests without the data file."""

from __future__ import annotations

import json

from zhicheng.campaigns.services import DEFAULT_FILE


def campaign_2024_values(**overrides) -> dict:
    """The 2024 file's campaign values as text, with overrides."""
    values = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["campaign"]
    return {**values, **overrides}
