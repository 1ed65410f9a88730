"""The session's one query (issue 11): the session row, its user and its verified TOTP device read together, with every
check of the old three reads kept — the session hash after a password change, a locked account, log-out, the device's
owner and confirmation, the second factor still owed, htmx, the API's session auth."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from zhicheng.accounts.auth_services import account_lock, totp_device_create_confirmed, totp_device_reset
from zhicheng.accounts.models import Role, UserSession

from .auth_helpers import PASSWORD, fresh_code, login_verified, post_login, user_with_role

pytestmark = pytest.mark.django_db
PAGE = reverse("accounts:tokens")  # a signed-in page that reads little of its own
NEW_PASSWORD = "Zc-new-pass-2025!"


def _row(client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def _reads(captured, table: str) -> list[str]:
    """The statements that read `table` on their own (FROM it, not only joined to, or asked about in, the session's
    read)."""
    return [q["sql"] for q in captured
            if q["sql"].lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in q["sql"]
            and 'FROM "accounts_usersession"' not in q["sql"]]


def _verified_staff(client):
    user = user_with_role(Role.REVIEW_CLERK)
    device = login_verified(client, user)
    client.get(PAGE)  # the session's renewal after log-in
    return user, device


def test_a_signed_in_request_reads_session_user_and_device_in_one_query(client):
    """Was session, user, device: three statements; now the first statement joins all three and nothing reads the
    user or the device again. The page's other reads: the active campaign, the memberships, the tokens."""
    user, device = _verified_staff(client)
    row = _row(client)
    assert (row.user_id, row.otp_device_id) == (user.pk, device.pk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    assert response.status_code == 200  # verified staff: not sent to the second factor
    first = ctx.captured_queries[0]["sql"]
    assert 'FROM "accounts_usersession"' in first
    assert 'JOIN "accounts_user"' in first and 'JOIN "otp_totp_totpdevice"' in first
    assert _reads(ctx.captured_queries, "accounts_user") == []
    assert _reads(ctx.captured_queries, "otp_totp_totpdevice") == []
    assert len(ctx.captured_queries) <= 4  # was 6


def test_the_row_follows_the_data_through_log_in_and_the_second_factor(client):
    """Password, then the code: `cycle_key` at each step, and the device the code verified is on the row after."""
    user = user_with_role(Role.OFFICE_STAFF)
    device = totp_device_create_confirmed(user=user)
    post_login(client, user.username)
    row = _row(client)
    assert (row.user_id, row.otp_device_id) == (user.pk, None)
    before = client.session.session_key
    response = client.post(reverse("accounts:otp_verify"), {"token": fresh_code(device)})
    assert response.status_code == 302
    assert client.session.session_key != before  # a new key for the session that gained rights
    row = _row(client)
    assert (row.user_id, row.otp_device_id) == (user.pk, device.pk)
    assert client.get(PAGE).status_code == 200


def test_unverified_staff_are_still_sent_to_the_second_factor(client):
    user = user_with_role(Role.REVIEW_CLERK)
    totp_device_create_confirmed(user=user)
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    htmx = client.get(PAGE, HTTP_HX_REQUEST="true")  # the whole window goes, not a fragment
    assert htmx.headers["HX-Redirect"].startswith(reverse("accounts:otp_verify"))


def test_an_htmx_request_of_verified_staff_reads_them_in_one_query(client):
    _verified_staff(client)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'JOIN "otp_totp_totpdevice"' in ctx.captured_queries[0]["sql"]
    assert _reads(ctx.captured_queries, "accounts_user") == _reads(ctx.captured_queries, "otp_totp_totpdevice") == []


def test_a_password_change_in_another_session_ends_this_one(client):
    """Django's session-hash check runs on the joined user as on the one it used to read."""
    user, _device = _verified_staff(client)
    other = Client()
    login_verified(other, user)
    changed = other.post(reverse("accounts:password_change"), {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert changed.status_code == 302
    assert other.get(PAGE).status_code == 200  # the session that changed it stays
    old_key = client.session.session_key
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert not UserSession.objects.filter(session_key=old_key).exists()  # flushed, as Django does


def test_log_out_ends_the_session(client):
    _verified_staff(client)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert client.get(PAGE).url.startswith(reverse("accounts:login"))


def test_a_locked_account_is_signed_out_at_its_next_request(client):
    user, _device = _verified_staff(client)
    account_lock(actor=user_with_role(Role.SECURITY_ADMIN), username=user.username)
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_removed_authenticator_unverifies_the_session(client):
    """The device's reset clears it from the row; the session then owes its second factor again."""
    user, _device = _verified_staff(client)
    totp_device_reset(actor=user_with_role(Role.SECURITY_ADMIN), username=user.username)
    assert _row(client).otp_device_id is None
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))
    assert DEVICE_ID_SESSION_KEY not in client.session  # django-otp drops the stale id, as before


def test_the_row_is_used_only_when_it_matches_the_data(client):
    """If the row's columns ever disagreed with the session's data, the data wins: its user and device are read as
    before, and another user's device never verifies this session (django-otp's owner check)."""
    user, device = _verified_staff(client)
    stranger = user_with_role(Role.REVIEW_CLERK)
    strangers_device = totp_device_create_confirmed(user=stranger)
    UserSession.objects.filter(session_key=client.session.session_key).update(
        user_id=stranger.pk, otp_device_id=strangers_device.pk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    assert response.status_code == 200 and response.wsgi_request.user.pk == user.pk
    assert response.wsgi_request.user.otp_device == device
    assert len(_reads(ctx.captured_queries, "accounts_user")) == 1  # the data's user, read as Django reads it
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = strangers_device.persistent_id  # a device of someone else named in the data
    session.save()
    assert _row(client).otp_device_id == strangers_device.pk
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


def test_an_unconfirmed_device_does_not_verify(client):
    _user, device = _verified_staff(client)
    type(device).objects.filter(pk=device.pk).update(confirmed=False)
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))


def test_the_api_session_auth_reads_them_in_one_query_too(client):
    _verified_staff(client)
    client.get("/api/v1/tokens/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/tokens/")
    assert response.status_code == 200, response.content
    assert 'JOIN "otp_totp_totpdevice"' in ctx.captured_queries[0]["sql"]
    assert _reads(ctx.captured_queries, "accounts_user") == _reads(ctx.captured_queries, "otp_totp_totpdevice") == []


def test_an_applicant_without_a_device_is_read_with_the_session(client):
    user = user_with_role(Role.APPLICANT)
    client.force_login(user)
    client.get(PAGE)
    assert _row(client).user_id == user.pk and client.session[SESSION_KEY] == str(user.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    assert 'JOIN "accounts_user"' in ctx.captured_queries[0]["sql"]
    # whether they turned the second factor on, and whether they hold a staff role, are asked in the same statement
    assert _reads(ctx.captured_queries, "accounts_user") == []
    assert _reads(ctx.captured_queries, "otp_totp_totpdevice") == []


def test_the_second_factor_facts_are_read_afresh_by_every_request(client):
    """The facts ride on each request's own session read: an applicant given a staff role is sent to set up TOTP at
    the very next request, and once a device of theirs is confirmed, to enter its code."""
    from zhicheng.accounts.tests.factories import MembershipFactory

    user = user_with_role(Role.APPLICANT)
    client.force_login(user)
    assert client.get(PAGE).status_code == 200
    membership = MembershipFactory(user=user, role=Role.REVIEW_CLERK)
    assert reverse("accounts:otp_setup") in client.get(PAGE).url
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert client.get(PAGE).status_code == 200  # a role no longer held asks nothing
    totp_device_create_confirmed(user=user)
    assert reverse("accounts:otp_verify") in client.get(PAGE).url
