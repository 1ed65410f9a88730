"""Who may change the catalog: the title office only; everyone signed in may read it."""

from __future__ import annotations

from zhicheng.accounts.permissions import is_office_staff
from zhicheng.core.permissions import Decision


def can_edit_catalog(user) -> Decision:
    """The office (职改办) edits series, specialties, conditions and the 破格 list."""
    return is_office_staff(user)
