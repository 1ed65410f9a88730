"""Idle sessions end after SESSION_COOKIE_AGE without a request; every request renews the clock."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zhicheng.accounts.models import Role
from zhicheng.accounts.models import UserSession as Session

from .auth_helpers import user_with_role

pytestmark = pytest.mark.django_db
PAGE = reverse("accounts:tokens")  # any page that needs a log-in


@pytest.fixture
def clock(monkeypatch):
    """Move the server's clock forward (sessions, axes and audit all read timezone.now)."""
    start = timezone.now()
    state = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def advance(seconds: int) -> dt.datetime:
        state["now"] += dt.timedelta(seconds=seconds)
        return state["now"]

    return advance


def _expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_idle_session_ends(client, clock):
    client.force_login(user_with_role(Role.APPLICANT))
    assert client.get(PAGE).status_code == 200
    clock(settings.SESSION_COOKIE_AGE + 1)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_session_just_inside_the_idle_limit_survives(client, clock):
    client.force_login(user_with_role(Role.APPLICANT))
    client.get(PAGE)
    clock(settings.SESSION_COOKIE_AGE - 5)
    assert client.get(PAGE).status_code == 200


def test_each_request_renews_the_expiry(client, clock):
    client.force_login(user_with_role(Role.APPLICANT))
    client.get(PAGE)
    idle = settings.SESSION_COOKIE_AGE
    for _ in range(3):  # three idle stretches just under the limit add up to far more than the limit
        now = clock(idle - 60)
        assert client.get(PAGE).status_code == 200
        assert _expiry(client) == now + dt.timedelta(seconds=idle)



def test_requests_within_a_minute_do_not_write_the_session(client, clock):
    client.force_login(user_with_role(Role.APPLICANT))
    client.get(PAGE)
    renewed = _expiry(client)
    clock(30)
    client.get(PAGE)
    assert _expiry(client) == renewed  # not written again within the minute
    clock(settings.ZHICHENG_SESSION_RENEW_SECONDS)
    client.get(PAGE)
    assert _expiry(client) > renewed
