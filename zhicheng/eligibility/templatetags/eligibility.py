"""`{% eligibility_checklist dossier %}`: the checklist partial, rendered in the dossier's pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("eligibility/_checklist.html", takes_context=True)
def eligibility_checklist(context, dossier):
    from zhicheng.eligibility.views import checklist_context

    return {**checklist_context(context["request"], dossier), "csrf_token": context.get("csrf_token")}
