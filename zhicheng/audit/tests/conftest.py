"""Fixtures for the audit tests: the platform's separated administrators and a few recorded events."""

from __future__ import annotations

import pytest

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import MembershipFactory, OrganisationFactory
from zhicheng.audit.services import audit_event_record


@pytest.fixture
def platform(db):
    return OrganisationFactory(name="平台", kind=OrganisationKind.OFFICE, credit_code=None)


@pytest.fixture
def user_in_role(platform):
    def make(role: str):
        return MembershipFactory(role=role, organisation=platform).user

    return make


@pytest.fixture
def role_client(client, user_in_role, settings):
    """A client logged in as a fresh user holding `role` (second factor switched off for the test)."""
    settings.ZHICHENG_REQUIRE_STAFF_OTP = False

    def login(role: str):
        user = user_in_role(role)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def reader_client(role_client):
    return role_client(Role.AUDIT_ADMIN)


@pytest.fixture
def events(db, user_in_role, platform):
    """Five events in the "test." namespace (other apps audit logins too), the third about an object."""
    actor = user_in_role(Role.OFFICE_STAFF)
    actor.real_name = "审计测试人"
    actor.save(update_fields=["real_name"])
    recorded = [
        audit_event_record(event_type="test.alpha", actor=actor, organisation=platform,
                           data={"n": 1}, ip="10.0.0.1"),
        audit_event_record(event_type="test.alpha", actor=actor, data={"n": 2}),
        audit_event_record(event_type="test.login", actor=actor, obj=platform, data={"n": 3, "名": "张三"}),
        audit_event_record(event_type="test.logout", actor=actor, data={"n": 4}),
        audit_event_record(event_type="test.beta", actor=None, data={"n": 5, "f": 0.1, "list": [1, None]}),
    ]
    return recorded
