"""The authentication backend: Django's ModelBackend, taking the session's user from the session's own query."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .sessions import session_being_read


class SessionUserBackend(ModelBackend):
    """ModelBackend (passwords, permissions, `is_active`) whose `get_user` takes the user that was read with the
    session row when the request's session names that user, instead of a second query.

    `django.contrib.auth.get_user` still calls this and then checks the session's hash against the user's password
    exactly as it always does; an inactive (locked) user is refused here as ModelBackend refuses them.
    """

    def get_user(self, user_id):
        session = session_being_read()
        user = session.joined_user(user_id) if session is not None else None
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None
