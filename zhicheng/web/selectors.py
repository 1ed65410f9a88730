"""Reading what the dashboards show: counts per organisation kind and per role."""

from __future__ import annotations

from django.db.models import Count, Q

from zhicheng.accounts.models import Membership, Organisation, OrganisationKind, Role
from zhicheng.accounts.selectors import organisation_list

# Organisations that handle dossiers and so need all three staff roles
DOSSIER_KINDS = (OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.UNIT)


def organisation_counts_by_kind() -> list[tuple[str, str, int]]:
    """(kind, label, count) for every organisation kind, zero included, in the kinds' order."""
    counts = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    return [(kind, str(label), counts.get(kind, 0)) for kind, label in OrganisationKind.choices]


def organisation_member_counts(organisation) -> list[tuple[str, str, int]]:
    """(role, label, active members) for the roles present in one organisation."""
    counts = dict(
        Membership.objects.filter(organisation=organisation, is_active=True)
        .values_list("role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(role, str(label), counts[role]) for role, label in Role.choices if role in counts]


def organisation_children_count(organisation) -> int:
    return Organisation.objects.filter(parent=organisation).count()


def organisations_missing_roles(user, *, limit: int = 10) -> tuple[int, list]:
    """Organisations handling dossiers that still lack a real-name admin, clerk or leader (§六(八))."""
    qs = organisation_list(user).filter(kind__in=DOSSIER_KINDS).filter(
        Q(has_org_admin=False) | Q(has_review_clerk=False) | Q(has_review_leader=False)
    )
    return qs.count(), list(qs[:limit])
