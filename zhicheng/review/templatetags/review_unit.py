"""`{{ key|section_label }}`: a section's Chinese name, for the review templates."""

from __future__ import annotations

from django import template

from zhicheng.dossiers.sections import SECTIONS

from .. import return_editor

register = template.Library()


@register.filter
def section_label(key: str) -> str:
    """A section's name in the page's language ("" → 整体 / whole dossier)."""
    return return_editor.section_label(key) if (key or "") in SECTIONS or not key else key


@register.filter
def item_target(item) -> str:
    """A requested change's section and row, the row named by its fields (never its id)."""
    return return_editor.item_target_label(item)
