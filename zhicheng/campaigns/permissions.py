"""Who may set up campaigns: the title office; everyone signed in may read them."""

from __future__ import annotations

from zhicheng.accounts.permissions import is_office_staff
from zhicheng.core.permissions import Decision


def can_manage_campaigns(user) -> Decision:
    """The office (职改办) creates, edits, clones and routes campaigns."""
    return is_office_staff(user)
