"""The session engine (SESSION_ENGINE): Django's database sessions, reading the signed-in user and the verified TOTP
device in the same query as the session row (issue 11: one query where there were three on every signed-in request).

The row carries two copies of what its data says, `user` (`_auth_user_id`) and `otp_device` (django-otp's
`otp_device_id`), written in the same statement as the data. Loading the session joins both rows; while the request
reads its user, `SessionUserBackend` and `SessionOTPMiddleware` take them from here instead of asking the database
again — but only when they are the very user and device the data names. Everything else is Django's and
django-otp's own code: the session-hash check (a password change ends the other sessions), `is_active` (a locked
account), the device's owner and confirmation, expiry, `cycle_key`, logout.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY


class SessionStore(db.SessionStore):
    """Django's `db.SessionStore` on `accounts.UserSession`; keeps the row it loaded (with the joined user and
    device) for the request."""

    _row = None

    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def load(self):
        # Django's load, keeping the row: `UserSession.objects` joins the user and the device
        self._row = self._get_session_from_db()
        return self.decode(self._row.session_data) if self._row else {}

    def _get_session_from_db(self):
        # Django's read (db.SessionStore._get_session_from_db) with the two second-factor facts about the user
        # answered in the same statement (`UserSession.objects.with_sign_in_facts`)
        try:
            return self.model.objects.with_sign_in_facts().get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None
            return None

    async def aload(self):
        self._row = await self._aget_session_from_db()
        return self.decode(self._row.session_data) if self._row else {}

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.user_id, row.otp_device_id = _signed_in_ids(data)
        return row

    async def acreate_model_instance(self, data):
        row = await super().acreate_model_instance(data)
        row.user_id, row.otp_device_id = _signed_in_ids(data)
        return row

    def joined_user(self, user_id):
        """The user read with the session row, if it is the one the session's data names now; else None (then
        the caller reads it as Django does)."""
        row = self._row
        if row is None or row.user_id is None or row.user_id != user_id:
            return None
        user = row.user  # None when the id dangles (a deleted user): the caller's own read then finds nothing too
        if user is not None and hasattr(row, "user_has_totp"):
            user._sign_in_facts = SignInFacts(has_confirmed_totp=row.user_has_totp, holds_staff_role=row.user_is_staff)
        return user

    def joined_device(self, persistent_id: str | None):
        """The TOTP device read with the session row, if it is the one the session's data names now; else None."""
        row = self._row
        if row is None or row.otp_device_id is None or persistent_id != _totp_persistent_id(row.otp_device_id):
            return None
        return row.otp_device


class SignInFacts(NamedTuple):
    """What the second-factor rule asks about a user, read with the session row at the request's start."""

    has_confirmed_totp: bool
    holds_staff_role: bool


def sign_in_facts(user) -> SignInFacts | None:
    """The facts read with this request's session row, or None (a token, a fallback read, a test's user)."""
    return getattr(user, "_sign_in_facts", None)


def _signed_in_ids(data) -> tuple[object | None, int | None]:
    """The user's and the TOTP device's ids that the session's data names (None where it names none)."""
    user_id = None
    if data.get(SESSION_KEY) is not None:
        try:
            user_id = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
        except ValidationError:
            user_id = None  # not a user id at all: Django's own read refuses it as before
    device_id = None
    label, _sep, pk = str(data.get(DEVICE_ID_SESSION_KEY) or "").rpartition("/")
    if label == _totp_label() and pk.isdigit():
        device_id = int(pk)
    return user_id, device_id


def _totp_label() -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.model_label()


def _totp_persistent_id(device_id: int) -> str:
    return f"{_totp_label()}/{device_id}"


# The session whose request is reading its user right now (set by SessionOTPMiddleware around that read): the
# authentication backend has no request, only a user id.
_session_being_read: ContextVar[SessionStore | None] = ContextVar("zhicheng_session_being_read", default=None)


@contextmanager
def reading_user_of(session):
    """While the request reads its user and device, offer them the rows its session loaded."""
    token = _session_being_read.set(session if isinstance(session, SessionStore) else None)
    try:
        yield
    finally:
        _session_being_read.reset(token)


def session_being_read() -> SessionStore | None:
    return _session_being_read.get()
