"""{% load review_timeline %}{% review_timeline dossier %}: the dossier's history, for the reviewer's dossier page."""

from __future__ import annotations

from django import template

from zhicheng.review.selectors import timeline_context

register = template.Library()


@register.inclusion_tag("review/timeline_section.html")
def review_timeline(dossier) -> dict:
    return timeline_context(dossier)
