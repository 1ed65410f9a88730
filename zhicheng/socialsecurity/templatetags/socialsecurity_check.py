"""{% socialsecurity_check dossier %}: the bureau's verdict on the reviewer's dossier page (never the applicant's)."""

from __future__ import annotations

from django import template

from ..models import ContributionCheck
from ..permissions import can_view_checks

register = template.Library()


@register.inclusion_tag("socialsecurity/_dossier_check.html", takes_context=True)
def socialsecurity_check(context, dossier) -> dict:
    user = context["request"].user
    if dossier.applicant_id == user.pk or not can_view_checks(user):
        return {"check": None}
    return {"check": ContributionCheck.objects.filter(dossier=dossier, is_current=True).first()}
