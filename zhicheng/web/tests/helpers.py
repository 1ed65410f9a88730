"""Shell test helpers: a member in a role, and a client logged in past the second factor."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import MembershipFactory, OrganisationFactory

# The kind of organisation each role sits in
ROLE_KIND = {
    Role.APPLICANT: OrganisationKind.UNIT,
    Role.ORG_ADMIN: OrganisationKind.UNIT,
    Role.REVIEW_CLERK: OrganisationKind.UNIT,
    Role.REVIEW_LEADER: OrganisationKind.UNIT,
    Role.COMMITTEE_SECRETARY: OrganisationKind.COMMITTEE,
    Role.EXPERT: OrganisationKind.COMMITTEE,
}


def member(role: str, organisation=None, user=None):
    """A membership in `role`, in a fresh organisation of the kind the role belongs to."""
    if organisation is None:
        kind = ROLE_KIND.get(role, OrganisationKind.OFFICE)
        parent = None
        if kind == OrganisationKind.UNIT:
            parent = OrganisationFactory(kind=OrganisationKind.DEPARTMENT, credit_code=None)
        elif kind == OrganisationKind.COMMITTEE:
            parent = OrganisationFactory(kind=OrganisationKind.OFFICE, credit_code=None)
        organisation = OrganisationFactory(kind=kind, parent=parent)
    extra = {"user": user} if user is not None else {}
    return MembershipFactory(role=role, organisation=organisation, **extra)


def login(client, user) -> None:
    """Log in and mark the session as having passed TOTP, as the second-factor page does."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
