"""Helpers for the log-in tests: users with roles, a confirmed TOTP device, a verified session."""

from __future__ import annotations

from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from zhicheng.accounts.auth_services import totp_device_create_confirmed, totp_token_now
from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import MembershipFactory, UserFactory

PASSWORD = "Zc-test-pass-2024"


def user_with_role(role: str = Role.REVIEW_CLERK, **user_fields):
    """A user holding one active role in a fresh organisation."""
    return MembershipFactory(role=role, user=UserFactory(**user_fields)).user


def post_login(client, username: str, password: str = PASSWORD, **data):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **data})


def fresh_code(device) -> str:
    """The device's current code, usable even if this time step was already used in the test."""
    device.refresh_from_db()
    device.last_t = -1  # TOTP refuses a step twice; tests may verify twice within one 30-second step
    device.save(update_fields=["last_t"])
    return totp_token_now(device)


def wrong_code(device) -> str:
    right = totp_token_now(device)
    return f"{(int(right) + 1) % 1_000_000:06d}"


def login_verified(client, user):
    """Log the user in with a confirmed device and a verified session, as after a full log-in."""
    device = totp_device_create_confirmed(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
