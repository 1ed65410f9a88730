"""Fixtures for the calendar tests: people in roles."""

from __future__ import annotations

import pytest

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def no_staff_otp(settings):
    settings.ZHICHENG_REQUIRE_STAFF_OTP = False


def _member(role: str, kind: str = OrganisationKind.UNIT):
    organisation = OrganisationFactory(kind=kind, credit_code=None) if kind != OrganisationKind.UNIT else None
    if organisation is None:
        return MembershipFactory(role=role).user
    return MembershipFactory(role=role, organisation=organisation).user


@pytest.fixture
def office_user(db):
    return _member(Role.OFFICE_STAFF, OrganisationKind.OFFICE)


@pytest.fixture
def clerk_user(db):
    return _member(Role.REVIEW_CLERK)


@pytest.fixture
def office_client(client, office_user, no_staff_otp):
    client.force_login(office_user)
    return client


@pytest.fixture
def clerk_client(client, clerk_user, no_staff_otp):
    client.force_login(clerk_user)
    return client
