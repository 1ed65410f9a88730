"""`{{ key|section_label }}`: a section's Chinese name, for the review templates."""

from __future__ import annotations

from django import template

from zhicheng.dossiers.sections import SECTIONS

register = template.Library()


@register.filter
def section_label(key: str) -> str:
    """A section's Chinese name ("" → 整体)."""
    spec = SECTIONS.get(key or "")
    return spec.label_zh if spec else (key or "整体")
