"""Test helpers: office and ordinary users, and clients whose staff users have passed the second factor."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import MembershipFactory, OrganisationFactory


def office_user():
    """A member of the title office with the office-staff role."""
    office = OrganisationFactory(kind=OrganisationKind.OFFICE, unit_type="")
    return MembershipFactory(organisation=office, role=Role.OFFICE_STAFF).user


def clerk_user():
    """A unit's review clerk: a staff role that is not the office."""
    return MembershipFactory(role=Role.REVIEW_CLERK).user


def applicant_user():
    return MembershipFactory(role=Role.APPLICANT).user


def logged_in_client(user) -> Client:
    """A client logged in as `user`, with a verified TOTP device as the staff pages demand."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
