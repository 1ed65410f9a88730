"""Who holds a dossier in each state: the applicant, the unit (or agency), the review department or the office."""

from __future__ import annotations

from zhicheng.accounts.models import Organisation, OrganisationKind

from .models import Dossier, DossierState

S = DossierState

APPLICANT, UNIT, DEPARTMENT, OFFICE = "applicant", "unit", "department", "office"

# The level that acts on a dossier in each state; states missing here are final (nobody holds them)
HOLDER_LEVEL: dict[str, str] = {
    S.DRAFT: APPLICANT,
    S.RETURNED: APPLICANT,
    S.SUBMITTED: UNIT,
    S.UNIT_PASSED: UNIT,
    S.IN_PUBLICITY: UNIT,
    S.PUBLICITY_DONE: UNIT,
    S.DEPARTMENT_RETURNED: UNIT,
    S.RECOMMENDED: DEPARTMENT,
    S.DEPARTMENT_PASSED: OFFICE,
    # evaluation: the title office organises the meeting (its committee) or the entrusted dispatch, and holds a
    # passed dossier through result publicity until the title document; a failed one is final
    S.OFFICE_ACCEPTED: OFFICE,
    S.SCHEDULED: OFFICE,
    S.IN_MEETING: OFFICE,
    S.ENTRUSTED_SENT: OFFICE,
    S.PASSED: OFFICE,
    S.IN_RESULT_PUBLICITY: OFFICE,
    S.RESULT_PUBLICITY_DONE: OFFICE,
}


def review_department_of(unit: Organisation) -> Organisation:
    """The body that reviews a unit's recommendations (§五(三)): its department or agency; an agency for its clients."""
    parent = unit.parent
    if parent is not None and parent.kind in (OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY):
        return parent
    return unit if unit.kind == OrganisationKind.AGENCY or parent is None else parent


def title_office_of(unit: Organisation) -> Organisation | None:
    """The title office above the unit (the first office on the way up)."""
    node, seen = unit, set()
    while node is not None and node.pk not in seen:
        if node.kind == OrganisationKind.OFFICE:
            return node
        seen.add(node.pk)
        node = node.parent
    return None


def holder_level(dossier: Dossier) -> str | None:
    return HOLDER_LEVEL.get(dossier.state)


def holder_organisation(dossier: Dossier) -> Organisation | None:
    """The organisation whose clerks and leaders act on the dossier now (None: the applicant, or nobody)."""
    level = holder_level(dossier)
    if level == UNIT:
        return dossier.organisation
    if level == DEPARTMENT:
        return review_department_of(dossier.organisation)
    if level == OFFICE:
        return title_office_of(dossier.organisation)
    return None
