"""{% load review_timeline %}{% review_timeline dossier %}: the dossier's history, for the reviewer's dossier page."""

from __future__ import annotations

from django import template

from zhicheng.review.selectors import timeline_context

register = template.Library()


@register.inclusion_tag("review/timeline_section.html", takes_context=True)
def review_timeline(context, dossier) -> dict:
    request = context.get("request")
    return timeline_context(dossier, viewer=getattr(request, "user", None))
